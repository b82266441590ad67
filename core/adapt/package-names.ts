/** PEP 503: lower case, every run of `-`, `_` and `.` one `-` (`Django_Rest.Framework` → `django-rest-framework`). */
export const normalizeName = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');
