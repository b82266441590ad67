/** The terminal's bytes as the API carries them: base64 (a TTY's output need not be UTF-8). */
export function fromBase64(data: string): Uint8Array {
  const text = atob(data);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** `bytes` in base64 pieces of at most `pieceBytes` bytes each (the API bounds a write). */
export function toBase64Pieces(bytes: Uint8Array, pieceBytes: number): string[] {
  const pieces: string[] = [];
  for (let at = 0; at < bytes.length; at += pieceBytes) {
    let text = '';
    for (const byte of bytes.subarray(at, at + pieceBytes)) text += String.fromCharCode(byte);
    pieces.push(btoa(text));
  }
  return pieces;
}

/** xterm's binary data (mouse reports): a string whose every character is one byte. */
export function binaryStringBytes(data: string): Uint8Array {
  return Uint8Array.from(data, (char) => char.charCodeAt(0) & 0xff);
}
