export const installHint: string;
export function findElectronBinary(): { path: string } | { reason: string };
