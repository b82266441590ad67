import type { Socket } from 'node:net';

/** nginx's `ngx_connection_counter`: client and upstream connections share one sequence from 1. */
let counter = 0;
const numbers = new WeakMap<Socket, number>();

/** Numbers a connection when it is accepted or dialled; the numbers go up in that order. */
export function numberConnection(socket: Socket): number {
  let number = numbers.get(socket);
  if (number === undefined) {
    number = ++counter;
    numbers.set(socket, number);
  }
  return number;
}

/** `$connection`. */
export function connectionNumber(socket: Socket): number {
  return numberConnection(socket);
}
