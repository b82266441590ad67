import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/**
 * The nginx.conf of seed lab 000 (Experiment05-Docker, /work/shared/seeds/000_bb02ed10ba8419e4.txt),
 * copied byte for byte.
 */
export const SEED_PATH = fixture('seed-000-nginx.conf');
export const seedText = (): string => readFileSync(SEED_PATH, 'utf8');
