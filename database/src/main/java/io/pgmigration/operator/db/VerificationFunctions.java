package io.pgmigration.operator.db;

/**
 * The functions {@link OnlineVerification} puts on the servers, in schema {@value
 * OnlineVerification#SCHEMA}: one definition, so both sides compute exactly the same thing.
 */
final class VerificationFunctions {
  /**
   * The row count and, with {@code checksums}, the order-independent hash {@link CopyVerifier}
   * uses, of the rows of table alias {@code t} that {@code from_rows} ("FROM … t …", which may use
   * {@code $1}, bound to {@code keyset}) yields. {@code summary} and {@code summary_keys} differ
   * only in which rows they take; created before them.
   */
  static final String DIGEST =
      """
      CREATE OR REPLACE FUNCTION pgmo_verify.digest(
          from_rows text, keyset jsonb, checksums boolean, OUT n bigint, OUT h text)
      LANGUAGE plpgsql SET row_security = off AS $f$
      BEGIN
        IF checksums THEN
          EXECUTE format('SELECT count(*), coalesce(sum((''x'' || left(r.h, 16))::bit(64)::bigint),'
              || ' 0) || '':'' || coalesce(sum((''x'' || right(r.h, 16))::bit(64)::bigint), 0)'
              || ' FROM (SELECT md5(t::text) AS h %s) r', from_rows)
            USING keyset INTO n, h;
        ELSE
          EXECUTE format('SELECT count(*), NULL::text %s', from_rows) USING keyset INTO n, h;
        END IF;
      END
      $f$
      """;

  static final String SUMMARY =
      """
      CREATE OR REPLACE FUNCTION pgmo_verify.summary(
          tbl regclass, keys text[], lo text[], hi text[], checksums boolean,
          OUT n bigint, OUT h text)
      LANGUAGE plpgsql SET row_security = off AS $f$
      DECLARE
        cols text;
        types text[];
        cond text := 'true';
      BEGIN
        IF cardinality(keys) > 0 THEN
          SELECT string_agg(format('t.%I', u.k), ', ' ORDER BY u.i),
                 array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY u.i)
            INTO cols, types
            FROM unnest(keys) WITH ORDINALITY AS u(k, i)
            JOIN pg_attribute a ON a.attrelid = tbl AND a.attname = u.k;
          IF lo IS NOT NULL THEN
            cond := cond || format(' AND (%s) >= (%s)', cols, (SELECT string_agg(
                format('%L::%s', v.x, types[v.i]), ', ' ORDER BY v.i)
                FROM unnest(lo) WITH ORDINALITY AS v(x, i)));
          END IF;
          IF hi IS NOT NULL THEN
            cond := cond || format(' AND (%s) < (%s)', cols, (SELECT string_agg(
                format('%L::%s', v.x, types[v.i]), ', ' ORDER BY v.i)
                FROM unnest(hi) WITH ORDINALITY AS v(x, i)));
          END IF;
        END IF;
        SELECT d.n, d.h INTO n, h
          FROM pgmo_verify.digest(format('FROM ONLY %s t WHERE %s', tbl, cond), NULL, checksums) d;
      END
      $f$
      """;

  /**
   * The summary of the rows of {@code tbl} whose keys are in {@code keyset} (a JSON array of keys,
   * each an array of the key's columns as text), looked up in key order; and {@code summarize},
   * which takes a chunk's bounds or its key set, whichever it has.
   */
  static final String SUMMARY_KEYS =
      """
      CREATE OR REPLACE FUNCTION pgmo_verify.summary_keys(
          tbl regclass, keys text[], keyset jsonb, checksums boolean, OUT n bigint, OUT h text)
      LANGUAGE plpgsql SET row_security = off AS $f$
      DECLARE
        sel text;
        ord text;
        cond text;
        src text;
      BEGIN
        SELECT string_agg(format('(e.v ->> %s)::%s AS k%s', u.i - 1,
                   format_type(a.atttypid, a.atttypmod), u.i), ', ' ORDER BY u.i),
               string_agg(format('k%s', u.i), ', ' ORDER BY u.i),
               string_agg(format('t.%I = k.k%s', u.k, u.i), ' AND ' ORDER BY u.i)
          INTO sel, ord, cond
          FROM unnest(keys) WITH ORDINALITY AS u(k, i)
          JOIN pg_attribute a ON a.attrelid = tbl AND a.attname = u.k;
        src := format('FROM (SELECT DISTINCT %s FROM jsonb_array_elements($1) AS e(v) ORDER BY %s)'
            || ' k JOIN ONLY %s t ON %s', sel, ord, tbl, cond);
        SELECT d.n, d.h INTO n, h FROM pgmo_verify.digest(src, keyset, checksums) d;
      END
      $f$;
      CREATE OR REPLACE FUNCTION pgmo_verify.summarize(
          tbl regclass, keys text[], lo text[], hi text[], keyset jsonb, checksums boolean,
          OUT n bigint, OUT h text)
      LANGUAGE plpgsql AS $f$
      BEGIN
        IF keyset IS NOT NULL THEN
          SELECT s.n, s.h INTO n, h FROM pgmo_verify.summary_keys(tbl, keys, keyset, checksums) s;
        ELSE
          SELECT s.n, s.h INTO n, h FROM pgmo_verify.summary(tbl, keys, lo, hi, checksums) s;
        END IF;
      END
      $f$
      """;

  static final String CHECK_CHUNK =
      """
      CREATE OR REPLACE FUNCTION pgmo_verify.check_chunk() RETURNS trigger
      LANGUAGE plpgsql AS $f$
      BEGIN
        IF NEW.tbl = '' THEN
          NEW.dst_rows := NULL;
          NEW.dst_hash := NULL;
        ELSIF to_regclass(NEW.tbl) IS NULL THEN
          NEW.dst_rows := -1;
          NEW.dst_hash := 'missing';
        ELSE
          SELECT s.n, s.h INTO NEW.dst_rows, NEW.dst_hash
            FROM pgmo_verify.summarize(
                NEW.tbl::regclass, NEW.keys, NEW.lo, NEW.hi, NEW.keyset, NEW.checksums) s;
        END IF;
        NEW.dst_change := (SELECT coalesce(max(id), 0) FROM pgmo_verify.changes);
        NEW.applied_at := clock_timestamp();
        RETURN NEW;
      END
      $f$
      """;

  static final String RECORD_CHANGE =
      """
      CREATE OR REPLACE FUNCTION pgmo_verify.record_change() RETURNS trigger
      LANGUAGE plpgsql AS $f$
      DECLARE
        tbl text := format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME);
        old_key text[];
        new_key text[];
      BEGIN
        IF TG_OP = 'TRUNCATE' OR TG_NARGS = 0 THEN
          INSERT INTO pgmo_verify.changes (tbl, key) VALUES (tbl, NULL);
          RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          old_key := ARRAY(SELECT to_jsonb(OLD) ->> k.c FROM unnest(TG_ARGV)
              WITH ORDINALITY AS k(c, i) ORDER BY k.i);
          INSERT INTO pgmo_verify.changes (tbl, key) VALUES (tbl, old_key);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          new_key := ARRAY(SELECT to_jsonb(NEW) ->> k.c FROM unnest(TG_ARGV)
              WITH ORDINALITY AS k(c, i) ORDER BY k.i);
          IF old_key IS DISTINCT FROM new_key THEN
            INSERT INTO pgmo_verify.changes (tbl, key) VALUES (tbl, new_key);
          END IF;
        END IF;
        RETURN NULL;
      END
      $f$
      """;

  private VerificationFunctions() {}
}
