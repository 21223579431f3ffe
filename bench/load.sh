#!/usr/bin/env bash
# Load test on loopback: 50 concurrent connections of a signed-in ministry user browsing and
# filtering, against gunicorn as `make serve` runs it (DEBUG off), for 30 seconds.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench bench/load.sh
#   CONNECTIONS=50 DURATION=30s WORKERS=4 THREADS=4 PORT=8765 THINK_MS=0 bench/load.sh
#
# THINK_MS=0 sends each connection's next request as soon as the last one is answered (a stress
# test); THINK_MS=5000 pauses about 5 s between a connection's requests, like people reading.
#
# Set REDIS_URL to measure with the shared cache production has: without it, DEBUG off keeps
# nothing between requests (tracker/settings.py, SHARED_CACHE).
#
# Uses the database as it is (generate the data first: manage.py generate_synthetic_data);
# needs wrk (Debian package "wrk"). Prints p50/p95/p99 and the number of errors.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the benchmark database (PostgreSQL)}"
command -v wrk >/dev/null || { echo "bench/load.sh needs wrk: apt-get install wrk" >&2; exit 1; }
CONNECTIONS=${CONNECTIONS:-50}
DURATION=${DURATION:-30s}
WORKERS=${WORKERS:-4}
THREADS=${THREADS:-4}
PORT=${PORT:-8765}
PY=.venv/bin/python
URL=http://127.0.0.1:$PORT

export DEBUG=0 SECRET_KEY=load-test-$RANDOM-$RANDOM-$RANDOM-not-for-production \
  ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0 \
  LOG_LEVEL=WARNING
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
password=$($PY -c "import secrets; print(secrets.token_urlsafe(16))")
$PY manage.py shell -v0 -c "
from django.contrib.auth.models import Group, User
user, _ = User.objects.get_or_create(username='load-test', defaults={'is_staff': True})
user.set_password('$password'); user.is_active = True; user.save()
user.groups.add(Group.objects.get(name='Cán bộ Bộ'))
"
detail_ids=$($PY manage.py shell -v0 -c "
from recommendations.models import Recommendation
print(' '.join(str(pk) for pk in Recommendation.objects.order_by('?').values_list('pk', flat=True)[:200]))
")

.venv/bin/gunicorn tracker.wsgi:application --bind 127.0.0.1:$PORT --workers "$WORKERS" \
  --threads "$THREADS" --keep-alive 30 --log-level warning --error-logfile - >/tmp/tracker-load-gunicorn.log 2>&1 &
gunicorn_pid=$!
trap 'kill $gunicorn_pid 2>/dev/null; wait $gunicorn_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fsS "$URL/healthz/" >/dev/null 2>&1 && break
  sleep 0.2
done

jar=$(mktemp)
curl -fsS -c "$jar" -b "$jar" "$URL/accounts/login/" -o /dev/null
csrf=$(awk '$6 == "csrftoken" {print $7}' "$jar")
curl -fsS -c "$jar" -b "$jar" -o /dev/null -H "Referer: $URL/accounts/login/" \
  --data-urlencode "csrfmiddlewaretoken=$csrf" --data-urlencode "username=load-test" \
  --data-urlencode "password=$password" "$URL/accounts/login/"
session=$(awk '$6 == "sessionid" {print $7}' "$jar")
rm -f "$jar"
[[ -n $session ]] || { echo "could not sign in" >&2; exit 1; }

echo "wrk: $CONNECTIONS connections, $DURATION, think time ${THINK_MS:-0} ms," \
  "gunicorn $WORKERS workers x $THREADS threads, $(nproc) cores"
THINK_MS=${THINK_MS:-0} TRACKER_COOKIE="sessionid=$session" TRACKER_DETAIL_IDS="$detail_ids" \
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 10s -s bench/load.lua "$URL"
