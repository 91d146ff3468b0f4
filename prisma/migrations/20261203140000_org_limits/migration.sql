-- Per-org rate-limit overrides: a NULL column keeps the deployment default (MEMTRACE_RATE_LIMIT_*).
CREATE TABLE "org_limits" (
    "org_id" TEXT NOT NULL,
    "requests_per_second" INTEGER,
    "memories_per_second" INTEGER,
    "key_requests_per_second" INTEGER,
    "key_memories_per_second" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "org_limits_pkey" PRIMARY KEY ("org_id")
);

ALTER TABLE "org_limits" ADD CONSTRAINT "org_limits_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
