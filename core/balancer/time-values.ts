function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function offset(date: Date, separator: string): string {
  const minutes = -date.getTimezoneOffset();
  const abs = Math.abs(minutes);
  return `${minutes >= 0 ? '+' : '-'}${twoDigits(Math.floor(abs / 60))}${separator}${twoDigits(abs % 60)}`;
}

/** `$time_local`: `25/Nov/2026:07:55:10 +0000`. */
export function timeLocal(date: Date): string {
  return (
    `${twoDigits(date.getDate())}/${MONTHS[date.getMonth()]}/${date.getFullYear()}:` +
    `${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}:${twoDigits(date.getSeconds())} ` +
    offset(date, '')
  );
}

/** `$time_iso8601`: local time, `2026-11-25T07:55:10+00:00`. */
export function timeIso8601(date: Date): string {
  return (
    `${date.getFullYear()}-${twoDigits(date.getMonth() + 1)}-${twoDigits(date.getDate())}T` +
    `${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}:${twoDigits(date.getSeconds())}` +
    offset(date, ':')
  );
}

/** `$msec`: seconds with milliseconds. */
export function msec(nowMs: number): string {
  return (nowMs / 1000).toFixed(3);
}
