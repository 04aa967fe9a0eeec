#!/bin/sh
# The image's entry point: bring the database to the latest schema, then run the command
# (by default `custledger serve`). Start one container first when several share a database.
set -eu
custledger migrate
exec "$@"
