/**
 * nginx.conf texts that exercise every part of the model, with IP-literal addresses so that
 * `nginx -t` (which resolves host names) can check them. All are valid nginx OSS 1.22.
 */
export const CORPUS: Record<string, string> = {
  'every balancing method with every server parameter': `events {}
http {
    upstream rr {
        server 127.0.0.1:9001 weight=5 max_fails=3 fail_timeout=30s;
        server 127.0.0.1:9002 max_conns=10;
        server 127.0.0.1:9003 down;
        server 127.0.0.1:9004 backup;
        keepalive 8;
    }
    upstream lc {
        least_conn;
        server 127.0.0.1:9001 max_fails=0;
        server 127.0.0.1:9002 fail_timeout=0 backup;
    }
    upstream iph {
        ip_hash;
        server 127.0.0.1:9001 weight=2;
        server 127.0.0.1:9002 down;
        keepalive 2;
    }
    upstream h {
        hash $request_uri;
        server 127.0.0.1:9001 max_conns=1;
        server 127.0.0.1:9002;
    }
    upstream ch {
        hash "$arg_k$cookie_id" consistent;
        server 127.0.0.1:9001;
        server 127.0.0.1:9002 weight=3;
    }
    upstream rnd {
        random;
        server 127.0.0.1:9001;
    }
    upstream rnd2 {
        random two;
        server 127.0.0.1:9001;
        server 127.0.0.1:9002;
    }
    upstream rnd2lc {
        random two least_conn;
        server 127.0.0.1:9001;
        server [::1]:9002;
        keepalive 32;
    }
    server {
        listen 127.0.0.1:18080;
        location /rr { proxy_pass http://rr; }
        location /lc { proxy_pass http://lc; }
        location /iph { proxy_pass http://iph; }
        location /h { proxy_pass http://h; }
        location /ch { proxy_pass http://ch; }
        location /rnd { proxy_pass http://rnd; }
        location /rnd2 { proxy_pass http://rnd2; }
        location /rnd2lc { proxy_pass http://rnd2lc; }
    }
}
`,
  'headers, retries and timeouts': `events {}
http {
    proxy_connect_timeout 1s;
    proxy_set_header X-Global yes;
    upstream backend {
        server 127.0.0.1:19001 max_fails=2 fail_timeout=1s;
        server 127.0.0.1:19002;
        keepalive 4;
    }
    server {
        listen 127.0.0.1:18080 default_server;
        server_name localhost;
        keepalive_timeout 10s;
        client_header_timeout 5s;
        client_body_timeout 5s;
        client_max_body_size 10m;
        location / {
            proxy_pass http://backend;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_next_upstream error timeout invalid_header http_500 http_502 http_503 http_504 http_403 http_404 http_429 non_idempotent;
            proxy_next_upstream_tries 2;
            proxy_next_upstream_timeout 1500ms;
            proxy_read_timeout 1s;
            proxy_send_timeout 1s;
            add_header X-Up-Addr $upstream_addr always;
            add_header X-Up-Status $upstream_status always;
        }
        location /off {
            proxy_pass http://backend/;
            proxy_next_upstream off;
        }
    }
}
`,
  'several servers, implicit upstreams and returns': `events {}
http {
    server {
        listen 18080;
        listen [::1]:18080;
        server_name example.com www.example.com;
        location / {
            proxy_pass http://127.0.0.1:9001;
        }
        location = /health {
            return 200 "ok\\n";
        }
        location ^~ /static/ {
            return 404;
        }
        location /moved {
            return 301 http://example.com/new;
        }
        location /api/ {
            proxy_pass http://127.0.0.1:9002/v2/;
            add_header X-Api 1;
        }
    }
    server {
        listen 127.0.0.1:18081;
        location / { }
    }
}
`,
  'the §10 differential setup': `worker_processes 1;
events {}
http {
    upstream backend {
        server 127.0.0.1:19001 fail_timeout=30s;
        server 127.0.0.1:19002 fail_timeout=30s;
        server 127.0.0.1:19003 backup;
    }
    server {
        listen 127.0.0.1:18080;
        server_name localhost;
        proxy_connect_timeout 1s;
        proxy_read_timeout 1s;
        proxy_send_timeout 1s;
        add_header X-Up-Addr $upstream_addr always;
        add_header X-Up-Status $upstream_status always;
        location / {
            proxy_pass http://backend;
        }
    }
}
`,
  'upstream-lab comments: slow start and health check': `events {}
http {
    upstream backend {
        server 127.0.0.1:9001 weight=2; # upstream-lab: slow_start=10s
        server 127.0.0.1:9002;
        # upstream-lab: slow_start=1m
        # upstream-lab: health_check uri=/healthz interval=1s timeout=500ms fails=2 passes=2 status=200-299
    }
    server {
        listen 127.0.0.1:18080;
        location / { proxy_pass http://backend; }
    }
}
`,
  'values that need quoting': `events {}
http {
    upstream q { hash "$host $uri"; server 127.0.0.1:9001; }
    server {
        listen 127.0.0.1:18080;
        location "/with space" {
            proxy_pass http://q;
            proxy_set_header X-Quote 'say "hi"; {ok}';
            proxy_set_header X-Backslash "a\\\\b";
            proxy_set_header X-Empty "";
            add_header X-Hash "#not-a-comment";
        }
        location = /t {
            return 200 "tab\\there";
        }
    }
}
`,
  'proxy_pass with variables and resolvers': `events {}
http {
    resolver 127.0.0.1:5353 [::1] valid=30s ipv6=off;
    resolver_timeout 5s;
    upstream pool { server 127.0.0.1:9001; }
    server {
        listen 127.0.0.1:18080;
        location /pool/ { proxy_pass http://$http_x_pool; }
        location /uri/ { proxy_pass http://$http_x_pool$request_uri; }
        location /port/ { proxy_pass http://127.0.0.1:$arg_port/x?$args; }
        location /host/ { resolver 127.0.0.2; proxy_pass http://$host:8081; }
        location /url/ { proxy_pass $http_x_url; }
        location /literal/ { proxy_pass http://pool; }
    }
}
`,
};
