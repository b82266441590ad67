import { PYPI_TO_DEBIAN, TRIXIE_ONLY_DEBIAN } from '../adapt/debian-packages';
import { PATH_ENV, PYTHON_OF_SUITE, type OfflineRecipe, type Suite } from './recipes';

/** Packages Dockerfiles commonly apt-get install, kept installable offline in the Python bases. */
const APT_EXTRAS = ['netcat-openbsd', 'postgresql-client', 'libpq5', 'gettext', 'curl'];

export function pythonRecipe(suite: Suite): OfflineRecipe {
  const version = PYTHON_OF_SUITE[suite];
  const table = suite === 'trixie' ? { ...PYPI_TO_DEBIAN, ...TRIXIE_ONLY_DEBIAN } : PYPI_TO_DEBIAN;
  const mapped = Object.values(table).flatMap((entry) => [
    entry.deb,
    ...(entry.companions ?? []),
    ...Object.values(entry.extras ?? {}).flat(),
  ]);
  return {
    kind: 'python',
    tag: `upstream-lab/python:${version}-${suite}`,
    title: `Python ${version} (Debian ${suite})`,
    suite,
    include: ['python3', 'python3-pip', 'python3-venv', 'python-is-python3', 'ca-certificates', 'tzdata'],
    install: [],
    offlineRepo: [...new Set([...mapped, ...APT_EXTRAS])].sort(),
    files: [],
    empty: [],
    commands: [],
    changes: [
      PATH_ENV,
      'ENV LANG=C.UTF-8',
      'ENV PYTHONUNBUFFERED=1',
      // pip's self-check goes online; in an image that cannot, it only prints a warning.
      'ENV PIP_DISABLE_PIP_VERSION_CHECK=1',
      'CMD ["python3"]',
    ],
  };
}
