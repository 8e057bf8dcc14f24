#!/bin/sh
# Serve the demo database; install both addons (with demo data and Chinese) only when
# the database does not have them yet, so a restart keeps what users changed.
set -e
DB=logistics_demo
set -- --db_host="$HOST" --db_user="$USER" --db_password="$PASSWORD" \
    --database="$DB" --db-filter="^$DB\$"
INSTALLED=$(PGPASSWORD="$PASSWORD" psql -h "$HOST" -U "$USER" -d "$DB" -tAc \
    "SELECT 1 FROM ir_module_module WHERE name = 'logistics_crm' AND state = 'installed'" \
    2>/dev/null || true)
if [ "$INSTALLED" = "1" ]; then
    exec odoo "$@"
fi
exec odoo "$@" --init=customer_tiering,logistics_crm --load-language=zh_CN
