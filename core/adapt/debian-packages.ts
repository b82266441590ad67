import { valid } from '@renovatebot/pep440';

export interface DebianMapping {
  /** The binary package with the Python module. */
  deb: string;
  /** Packages installed along with it, e.g. the one with the command (`gunicorn`). */
  companions?: string[];
  /** Extra → the packages that meet it ([] when the main package already does). */
  extras?: Record<string, string[]>;
}

/**
 * PyPI project (PEP 503 key) → Debian binary package, for what Django projects use. Every name
 * exists in both bookworm and trixie: the offline Python bases download all of them.
 */
export const PYPI_TO_DEBIAN: Readonly<Record<string, DebianMapping>> = {
  // libjs-jquery is only a Recommends of Debian's Django, but the admin's static files link to it:
  // without it `collectstatic` stops at a dangling admin/js/vendor/jquery/jquery.js.
  django: {
    deb: 'python3-django',
    companions: ['libjs-jquery'],
    extras: { argon2: ['python3-argon2'], bcrypt: ['python3-bcrypt'] },
  },
  djangorestframework: { deb: 'python3-djangorestframework' },
  'djangorestframework-simplejwt': {
    deb: 'python3-djangorestframework-simplejwt',
    extras: { crypto: ['python3-cryptography'] },
  },
  // Debian's psycopg uses the system libpq: it stands for the binary and C builds too.
  psycopg: { deb: 'python3-psycopg', extras: { binary: [], c: [], pool: ['python3-psycopg-pool'] } },
  'psycopg-binary': { deb: 'python3-psycopg' },
  'psycopg-c': { deb: 'python3-psycopg' },
  'psycopg-pool': { deb: 'python3-psycopg-pool' },
  psycopg2: { deb: 'python3-psycopg2' },
  'psycopg2-binary': { deb: 'python3-psycopg2' },
  // The module is in python3-gunicorn; the `gunicorn` command in the package of that name.
  gunicorn: { deb: 'python3-gunicorn', companions: ['gunicorn'] },
  uvicorn: {
    deb: 'python3-uvicorn',
    companions: ['uvicorn'],
    // Without watchfiles (not in bookworm), which only --reload uses.
    extras: {
      standard: [
        'python3-httptools',
        'python3-uvloop',
        'python3-websockets',
        'python3-dotenv',
        'python3-yaml',
      ],
    },
  },
  daphne: { deb: 'python3-daphne', companions: ['daphne'] },
  channels: { deb: 'python3-django-channels', extras: { daphne: ['python3-daphne', 'daphne'] } },
  whitenoise: { deb: 'python3-whitenoise' },
  'dj-database-url': { deb: 'python3-dj-database-url' },
  'python-dotenv': { deb: 'python3-dotenv' },
  'django-environ': { deb: 'python3-django-environ' },
  pillow: { deb: 'python3-pil' },
  'django-allauth': {
    deb: 'python3-django-allauth',
    extras: { socialaccount: ['python3-requests-oauthlib', 'python3-jwt', 'python3-cryptography'] },
  },
  'django-crispy-forms': { deb: 'python3-django-crispy-forms' },
  'django-debug-toolbar': { deb: 'python3-django-debug-toolbar' },
  'django-cors-headers': { deb: 'python3-django-cors-headers' },
  'django-filter': { deb: 'python3-django-filters' },
  'django-extensions': { deb: 'python3-django-extensions' },
  'django-redis': { deb: 'python3-django-redis' },
  'django-storages': { deb: 'python3-django-storages' },
  'django-taggit': { deb: 'python3-django-taggit' },
  'django-model-utils': { deb: 'python3-django-model-utils' },
  redis: { deb: 'python3-redis' },
  celery: { deb: 'python3-celery', extras: { redis: ['python3-redis'] } },
  kombu: { deb: 'python3-kombu' },
  amqp: { deb: 'python3-amqp' },
  vine: { deb: 'python3-vine' },
  billiard: { deb: 'python3-billiard' },
  click: { deb: 'python3-click' },
  requests: { deb: 'python3-requests' },
  'requests-oauthlib': { deb: 'python3-requests-oauthlib' },
  oauthlib: { deb: 'python3-oauthlib' },
  'python3-openid': { deb: 'python3-openid' },
  defusedxml: { deb: 'python3-defusedxml' },
  pyyaml: { deb: 'python3-yaml' },
  markdown: { deb: 'python3-markdown' },
  pygments: { deb: 'python3-pygments' },
  inflection: { deb: 'python3-inflection' },
  sqlparse: { deb: 'python3-sqlparse' },
  asgiref: { deb: 'python3-asgiref' },
  pytz: { deb: 'python3-tz' },
  'python-dateutil': { deb: 'python3-dateutil' },
  uritemplate: { deb: 'python3-uritemplate' },
  jinja2: { deb: 'python3-jinja2' },
  markupsafe: { deb: 'python3-markupsafe' },
  pyjwt: { deb: 'python3-jwt', extras: { crypto: ['python3-cryptography'] } },
  cryptography: { deb: 'python3-cryptography' },
  cffi: { deb: 'python3-cffi' },
  pycparser: { deb: 'python3-pycparser' },
  'argon2-cffi': { deb: 'python3-argon2' },
  bcrypt: { deb: 'python3-bcrypt' },
  h11: { deb: 'python3-h11' },
  anyio: { deb: 'python3-anyio' },
  sniffio: { deb: 'python3-sniffio' },
  websockets: { deb: 'python3-websockets' },
  attrs: { deb: 'python3-attr' },
  six: { deb: 'python3-six' },
  packaging: { deb: 'python3-packaging' },
  certifi: { deb: 'python3-certifi' },
  idna: { deb: 'python3-idna' },
  urllib3: { deb: 'python3-urllib3' },
  'charset-normalizer': { deb: 'python3-charset-normalizer' },
  'typing-extensions': { deb: 'python3-typing-extensions' },
  // Packaging tools as packages (pip itself is the system's: see MET_BY_SYSTEM).
  setuptools: { deb: 'python3-setuptools' },
  wheel: { deb: 'python3-wheel' },
  // Linters and test tools Dockerfiles run at build time (`RUN flake8 .`): the command with the module.
  flake8: { deb: 'python3-flake8', companions: ['flake8'] },
  black: { deb: 'black' },
  isort: { deb: 'python3-isort', companions: ['isort'] },
  pylint: { deb: 'pylint' },
  pytest: { deb: 'python3-pytest' },
  coverage: { deb: 'python3-coverage' },
};

/**
 * Projects Debian packages in trixie only: met when the offline base's repository holds them
 * (they are not downloaded into the bookworm one, where apt would not find them).
 */
export const TRIXIE_ONLY_DEBIAN: Readonly<Record<string, DebianMapping>> = {
  'crispy-bootstrap5': { deb: 'python3-crispy-bootstrap5' },
};

/** What the offline Python bases meet without a package of its own, and why. */
export const MET_BY_SYSTEM: Readonly<Record<string, string>> = {
  tzdata: "Debian's tzdata package, which zoneinfo reads",
  pip: "the image's own pip (python3-pip)",
  'backports-zoneinfo': 'zoneinfo is in the standard library since Python 3.9',
  // Ubuntu's `pip freeze` lists it; setuptools provides pkg_resources.
  'pkg-resources': 'pkg_resources comes with setuptools',
};

/** The mapping for a PyPI key, trixie-only packages included. */
export function debianMapping(key: string): DebianMapping | undefined {
  return PYPI_TO_DEBIAN[key] ?? TRIXIE_ONLY_DEBIAN[key];
}

/**
 * A Debian version as PEP 440: epoch and Debian revision dropped, repack suffixes (`+dfsg`,
 * `+ds`) too, `~rc1` → `rc1`: `2:4.2.23-1+deb13u1` → `4.2.23`; null when nothing valid remains.
 */
export function debianToPep440(version: string): string | null {
  const withoutEpoch = version.replace(/^\d+:/, '');
  const dash = withoutEpoch.lastIndexOf('-');
  const upstream = (dash < 0 ? withoutEpoch : withoutEpoch.slice(0, dash)).split('+')[0]!.replace(/~/g, '');
  return /^\d/.test(upstream) && valid(upstream) ? upstream : null;
}
