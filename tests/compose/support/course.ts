const backend = (n: number): string => `  backend${n}:
    build: .
    container_name: backend${n}
    environment:
      - DJANGO_SECRET_KEY=\${DJANGO_SECRET_KEY:-dev-secret}
      - DJANGO_DEBUG=\${DJANGO_DEBUG:-1}
      - DB_NAME=\${DB_NAME:-app}
      - DB_USER=\${DB_USER:-app}
      - DB_PASSWORD=\${DB_PASSWORD:-app}
      - DB_HOST=\${DB_HOST:-db}
      - DB_PORT=\${DB_PORT:-5432}
    depends_on: [db]
`;

const db = `  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_DB: \${DB_NAME:-app}
      POSTGRES_USER: \${DB_USER:-app}
      POSTGRES_PASSWORD: \${DB_PASSWORD:-app}
    volumes:
      - pgdata:/var/lib/postgresql/data
`;

const nginx = `  nginx:
    image: nginx:alpine
    ports:
      - "80:80"
    volumes:
      - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro
    depends_on: [backend1, backend2, backend3]
volumes:
  pgdata:
`;

/** The course's compose file, each backend written out. */
export const COURSE_COMPOSE = `services:\n${db}${backend(1)}${backend(2)}${backend(3)}${nginx}`;

/** The same file with backend2 and backend3 merged from backend1 by an anchor and `<<`. */
export const COURSE_COMPOSE_MERGED = `services:\n${db}${backend(1).replace('backend1:', 'backend1: &backend')}  backend2:
    <<: *backend
    container_name: backend2
  backend3:
    <<: *backend
    container_name: backend3
${nginx}`;

export const COURSE_FILES = { 'nginx/nginx.conf': 'events {}\n' };
