#!/usr/bin/env bash
# The production shape on this machine's loopback, with production settings unchanged: nginx
# terminating TLS (a self-signed certificate), two or more app servers (gunicorn) behind it, the
# task worker and the scheduler, on the machine's PostgreSQL and Redis.
#
#   deploy/prod-local.sh up|down|status
#
# Environment (all optional):
#   PL_DIR        run directory: env file with the generated secrets, certificate, logs, pid
#                 files (pids/app-<port>.pid, worker.pid, scheduler.pid, nginx.pid), data
#                 (default ./var/prod-local)
#   DATABASE_URL  PostgreSQL database, made if missing (postgres://postgres@127.0.0.1:5432/
#                 shipei_prod_local). The run directory's keys belong to it: a new run
#                 directory needs a new database.
#   REDIS_URL     (redis://127.0.0.1:6379/9: not the shared database 0)
#   HTTPS_PORT    nginx's port (8443)
#   APP_PORTS     one app server per port ("8101 8102")
#   EDGE_LIMIT    requests in flight nginx lets through to each app server; more are answered
#                 "busy" by nginx itself (14: deploy/env.example)
#   PL_LOAD_DEMO  1: load the presets and the demo data once; 0: migrate only (1)
# Any other variable the app reads (SHIPEI_*, DB_*, ADMISSION_*, GUNICORN_*, deploy/env.example)
# passes through to the app servers, the worker and the scheduler.
#
# `up` starts what is not running (so it also restarts an app server that was stopped), waits
# until https://127.0.0.1:$HTTPS_PORT/health/ready answers, and prints the address and the demo
# logins. `down` stops everything it started. `status` says what runs; exit 0 when all does.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PL_DIR=$(realpath -m "${PL_DIR:-./var/prod-local}")
HTTPS_PORT=${HTTPS_PORT:-8443}
APP_PORTS=${APP_PORTS:-8101 8102}
EDGE_LIMIT=${EDGE_LIMIT:-14}
PL_LOAD_DEMO=${PL_LOAD_DEMO:-1}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/shipei_prod_local}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/9}
BIN=$ROOT/.venv/bin
URL=https://127.0.0.1:$HTTPS_PORT/

say() { printf '%s\n' "$*"; }
die() { printf 'prod-local: %s\n' "$*" >&2; exit 1; }

# --- processes ---------------------------------------------------------------------------------

components() {
    local port
    for port in $APP_PORTS; do printf 'app-%s\n' "$port"; done
    printf '%s\n' worker scheduler nginx
}

pid_of() { cat "$PL_DIR/pids/$1.pid" 2>/dev/null || true; }

# Alive, and still the program we started (a pid file may outlive its process).
running() {
    local pid
    pid=$(pid_of "$1")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
        && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -Eq 'gunicorn|shipei|nginx'
}

# In a session of its own (a Ctrl-C at the terminal does not reach it); the pid file holds the
# program's own pid: the shell writes its pid, then becomes the program.
start() {
    local name=$1
    shift
    if running "$name"; then
        say "$name 已在运行（pid $(pid_of "$name")）"
        return
    fi
    setsid bash -c 'echo $$ > "$0"; exec "$@"' "$PL_DIR/pids/$name.pid" "$@" \
        >> "$PL_DIR/logs/$name.log" 2>&1 < /dev/null &
    say "$name 已启动，日志 $PL_DIR/logs/$name.log"
}

stop() {
    local name=$1 pid
    pid=$(pid_of "$name")
    if running "$name"; then
        kill -TERM "$pid"
        for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
        say "$name 已停止"
    fi
    rm -f "$PL_DIR/pids/$name.pid"
}

ready() { curl -skf -o /dev/null --max-time 5 "${URL}health/ready"; }

# --- set-up ------------------------------------------------------------------------------------

system_packages() {
    local missing=""
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$missing nginx"
    command -v openssl >/dev/null || missing="$missing openssl"
    command -v curl >/dev/null || missing="$missing curl"
    [ -z "$missing" ] && return
    [ "$(id -u)" = 0 ] || die "缺少系统软件包：$missing（请以 root 运行或手动安装）"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing > /dev/null
    # Debian starts its own nginx with a default site on port 80 where it can: not wanted here.
    if [[ $missing == *nginx* ]] && command -v systemctl >/dev/null \
        && systemctl is-active --quiet nginx 2>/dev/null; then
        systemctl disable --now nginx
    fi
}

# The secrets are made once: the data in the database is encrypted with them.
secrets() {
    [ -f "$PL_DIR/env" ] && return
    (
        umask 077
        "$BIN/python" - > "$PL_DIR/env" <<'EOF'
import base64, os
key = lambda n: base64.b64encode(os.urandom(n)).decode()
print("# Made once by deploy/prod-local.sh: the keys of this run directory's database.")
print(f"SECRET_KEY='{key(48)}'")
print(f"PII_KEYS='k1:{key(32)}'")
print(f"PII_INDEX_KEY='{key(32)}'")
print(f"CERT_SIGNING_KEYS='k1:{key(32)}'")
EOF
    )
}

# Everything else, written each time (overrides from the environment apply).
settings() {
    cat > "$PL_DIR/settings.env" <<EOF
# Written by deploy/prod-local.sh up. To run a command against this instance:
#   set -a; . $PL_DIR/env; . $PL_DIR/settings.env; set +a; .venv/bin/shipei ...
SHIPEI_ENV=production
DJANGO_SETTINGS_MODULE=shipei.settings
SHIPEI_DATA_DIR='$PL_DIR/data'
STATIC_ROOT='$PL_DIR/static'
DATABASE_URL='$DATABASE_URL'
REDIS_URL='$REDIS_URL'
ALLOWED_HOSTS='${ALLOWED_HOSTS:-127.0.0.1,localhost}'
CSRF_TRUSTED_ORIGINS='${CSRF_TRUSTED_ORIGINS:-https://127.0.0.1:$HTTPS_PORT,https://localhost:$HTTPS_PORT}'
SITE_URL='${SITE_URL:-https://127.0.0.1:$HTTPS_PORT}'
TRUSTED_PROXIES='${TRUSTED_PROXIES:-127.0.0.1,::1}'
# No SMS relay or mail server on loopback: messages fail in the worker's log, as with a
# gateway that is down; point these at real ones to see them delivered.
SMS_BACKEND='${SMS_BACKEND:-shipei.core.sms_gateway.HttpGatewayBackend}'
SMS_GATEWAY_URL='${SMS_GATEWAY_URL:-http://127.0.0.1:9/sms}'
EMAIL_BACKEND='${EMAIL_BACKEND:-django.core.mail.backends.smtp.EmailBackend}'
EMAIL_HOST='${EMAIL_HOST:-127.0.0.1}'
EMAIL_PORT='${EMAIL_PORT:-25}'
EOF
    set -a
    # shellcheck disable=SC1091
    . "$PL_DIR/env"
    # shellcheck disable=SC1091
    . "$PL_DIR/settings.env"
    set +a
}

database() {
    case $DATABASE_URL in
        postgres://* | postgresql://* | pgsql://*) ;;
        *) die "DATABASE_URL 必须是 PostgreSQL 数据库（生产形态）" ;;
    esac
    "$BIN/python" - <<'EOF' || die "无法连接 PostgreSQL（$DATABASE_URL）"
import os
import environ
import psycopg
from psycopg import sql

config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
params = {"host": config["HOST"], "port": config["PORT"] or 5432, "user": config["USER"],
          "password": config["PASSWORD"] or None}
with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
        print(f"已创建数据库 {config['NAME']}")
EOF
    "$BIN/python" -c 'import os, redis; redis.Redis.from_url(os.environ["REDIS_URL"]).ping()' \
        2> /dev/null || die "无法连接 Redis（$REDIS_URL）"
    "$BIN/shipei" migrate --noinput -v0
    # Once per database: the marker names the database it was loaded into.
    if [ "$PL_LOAD_DEMO" = 1 ] && [ "$(cat "$PL_DIR/data/demo-loaded" 2>/dev/null)" != "$DATABASE_URL" ]; then
        say "载入预置通知与演示数据……"
        "$BIN/shipei" load_preset --all > /dev/null
        "$BIN/shipei" demo_setup > "$PL_DIR/demo-logins.txt"
        printf '%s' "$DATABASE_URL" > "$PL_DIR/data/demo-loaded"
    fi
    "$BIN/shipei" collectstatic --noinput -v0
}

certificate() {
    [ -f "$PL_DIR/tls/cert.pem" ] && return
    (
        umask 077
        openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=localhost" \
            -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
            -keyout "$PL_DIR/tls/key.pem" -out "$PL_DIR/tls/cert.pem" 2> /dev/null
    )
    chmod 644 "$PL_DIR/tls/cert.pem"
}

nginx_config() {
    local servers="" port
    for port in $APP_PORTS; do servers="$servers 127.0.0.1:$port"; done
    rm -rf "$PL_DIR/nginx/errors"
    cp -r "$ROOT/deploy/nginx/errors" "$PL_DIR/nginx/errors"
    "$BIN/python" "$ROOT/deploy/render_nginx.py" "$ROOT/deploy/nginx/shipei.conf.in" \
        "$PL_DIR/nginx/shipei.conf" SERVER_NAME="127.0.0.1 localhost" \
        LISTEN="127.0.0.1:$HTTPS_PORT" APP_SERVERS="$servers" \
        TLS_CERT="$PL_DIR/tls/cert.pem" TLS_KEY="$PL_DIR/tls/key.pem" \
        STATIC_ROOT="$PL_DIR/static" ERROR_PAGES="$PL_DIR/nginx/errors" EDGE_LIMIT="$EDGE_LIMIT"
    "$BIN/python" "$ROOT/deploy/render_nginx.py" "$ROOT/deploy/nginx/prod-local.conf.in" \
        "$PL_DIR/nginx/nginx.conf" RUN_DIR="$PL_DIR"
    "$NGINX" -q -t -c "$PL_DIR/nginx/nginx.conf" -p "$PL_DIR/nginx/"
}

# --- commands ----------------------------------------------------------------------------------

up() {
    system_packages
    [ -x "$BIN/gunicorn" ] || die "缺少虚拟环境：请先运行 make install"
    # nginx's workers (nobody) read the static files and error pages; the data stays private.
    mkdir -p "$PL_DIR"/{pids,logs,tls,static,nginx/tmp}
    mkdir -p -m 700 "$PL_DIR/data"
    chmod 755 "$PL_DIR"
    secrets
    settings
    database
    certificate
    nginx_config
    cd "$ROOT"
    local port
    for port in $APP_PORTS; do
        GUNICORN_BIND=127.0.0.1:$port start "app-$port" \
            "$BIN/gunicorn" -c "$ROOT/deploy/gunicorn.conf.py" shipei.wsgi
    done
    start worker "$BIN/shipei" db_worker
    start scheduler "$BIN/shipei" run_schedule --every 300
    if running nginx; then
        "$NGINX" -c "$PL_DIR/nginx/nginx.conf" -p "$PL_DIR/nginx/" -s reload \
            2>> "$PL_DIR/logs/nginx-error.log"
    else
        "$NGINX" -c "$PL_DIR/nginx/nginx.conf" -p "$PL_DIR/nginx/"
        say "nginx 已启动，日志 $PL_DIR/logs/nginx-error.log"
    fi
    for _ in $(seq 120); do ready && break; sleep 0.5; done
    ready || die "60 秒内未就绪：见 $PL_DIR/logs/"
    say ""
    say "生产形态已就绪：$URL （自签名证书）"
    say "应用服务器：$APP_PORTS；运行目录：$PL_DIR"
    if [ -f "$PL_DIR/demo-logins.txt" ]; then cat "$PL_DIR/demo-logins.txt"; fi
}

down() {
    stop nginx
    local name
    for name in $(components); do [ "$name" = nginx ] || stop "$name"; done
}

status() {
    local name all=0
    for name in $(components); do
        if running "$name"; then
            say "$name 运行中（pid $(pid_of "$name")）"
        else
            say "$name 未运行"
            all=1
        fi
    done
    if ready; then say "${URL}health/ready 就绪"; else say "${URL}health/ready 未就绪"; all=1; fi
    return $all
}

NGINX=$(command -v nginx || echo /usr/sbin/nginx)
case ${1:-} in
    up) up ;;
    down) down ;;
    status) status ;;
    *) die "用法：deploy/prod-local.sh up|down|status" ;;
esac
