-- The role Grafana's PostgreSQL data source logs in as: it may read the collector's tables and nothing
-- else, since Grafana runs whatever SQL a dashboard editor writes. Run once per database, by a
-- superuser or the owner, with psql variables:
--   reader           the role to create (docker-compose: grafana_reader)
--   reader_password  its password
--   owner            the role that owns the tables and runs the migrations (docker-compose: vatsim)
--   database         the collector's database
-- Tables the owner creates later (migrations, each day's position partition) are readable too, through
-- the default privileges.
\set ON_ERROR_STOP on
create role :"reader" login password :'reader_password' nosuperuser nocreatedb nocreaterole noinherit;
alter role :"reader" set default_transaction_read_only = on;
alter role :"reader" set statement_timeout = '30s';
grant connect on database :"database" to :"reader";
grant usage on schema public to :"reader";
grant select on all tables in schema public to :"reader";
alter default privileges for role :"owner" in schema public grant select on tables to :"reader";
