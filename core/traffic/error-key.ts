/** Errors group under their system code (ECONNREFUSED, ECONNRESET, ...) when they have one, else their message. */
export function errorKey(error: unknown): string {
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
  }
  return String(error);
}

export const TIMEOUT = 'timeout';
export const CLOSED_BEFORE_RESPONSE = 'connection closed before a complete response';
