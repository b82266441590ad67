/** A lab that cannot be exported as asked; the message says why, for the person who asked. */
export class ExportError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ExportError';
  }
}
