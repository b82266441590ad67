/** What a failed file write means to the person who asked for it, and what to do about it. */
export function writeProblem(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'EISDIR':
    case 'ENOTEMPTY':
      return `${path} is a folder: name a file inside it`;
    case 'EACCES':
    case 'EPERM':
      return `no permission to write ${path}: choose a folder you can write to, or fix its permissions`;
    case 'EROFS':
      return `${path} is on a read-only file system: choose another folder`;
    // mkdir -p meets a file where a folder should be.
    case 'EEXIST':
    case 'ENOTDIR':
      return `a part of ${path} is a file, not a folder: choose another path`;
    case 'ENOENT':
      return `${path} cannot be created there: choose another folder`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `no space left to write ${path}: free some space or choose another disk`;
    default:
      return `cannot write ${path}: ${(error as Error)?.message ?? String(error)}`;
  }
}
