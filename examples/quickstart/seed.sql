-- A small shop's database: the source of the quickstart migration. Run once by the PostgreSQL
-- image's /docker-entrypoint-initdb.d contract when the server is first initialised.
CREATE TABLE customers (
  id         bigserial PRIMARY KEY,
  email      text NOT NULL UNIQUE,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE products (
  id    serial PRIMARY KEY,
  sku   text NOT NULL UNIQUE,
  name  text NOT NULL,
  price numeric(10, 2) NOT NULL CHECK (price >= 0)
);
CREATE TABLE orders (
  id          bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  status      text NOT NULL DEFAULT 'placed',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at);
CREATE TABLE order_items (
  order_id   bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  product_id integer NOT NULL REFERENCES products (id),
  quantity   integer NOT NULL CHECK (quantity > 0),
  unit_price numeric(10, 2) NOT NULL,
  PRIMARY KEY (order_id, product_id)
);
CREATE SEQUENCE invoice_number_seq START 100000;

CREATE VIEW customer_order_totals AS
SELECT c.id AS customer_id, c.email, count(DISTINCT o.id) AS orders,
       coalesce(sum(i.quantity * i.unit_price), 0) AS total
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.id
LEFT JOIN order_items i ON i.order_id = o.id
GROUP BY c.id, c.email;

-- The app's own writes: every web, worker and cron pod inserts numbered rows here, so a migration
-- can be checked for lost writes.
CREATE TABLE app_writes (
  id         bigserial PRIMARY KEY,
  writer     text NOT NULL,
  n          bigint NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (writer, n)
);

INSERT INTO customers (email, name, created_at)
SELECT 'customer' || g || '@example.com', 'Customer ' || g, now() - g * interval '1 hour'
FROM generate_series(1, 2000) g;
INSERT INTO products (sku, name, price)
SELECT 'SKU-' || lpad(g::text, 5, '0'), 'Product ' || g, round((random() * 200 + 1)::numeric, 2)
FROM generate_series(1, 300) g;
INSERT INTO orders (customer_id, status, created_at)
SELECT 1 + (g * 7919) % 2000, (ARRAY['placed', 'paid', 'shipped', 'delivered'])[1 + g % 4],
       now() - g * interval '10 minutes'
FROM generate_series(1, 10000) g;
INSERT INTO order_items (order_id, product_id, quantity, unit_price)
SELECT o.id, 1 + (o.id * k * 31) % 300, 1 + (o.id + k) % 5, p.price
FROM orders o CROSS JOIN generate_series(1, 3) k
JOIN products p ON p.id = 1 + (o.id * k * 31) % 300
ON CONFLICT DO NOTHING;
SELECT setval('invoice_number_seq', 100000 + 10000);
