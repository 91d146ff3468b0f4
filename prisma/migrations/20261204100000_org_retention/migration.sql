-- Per-org retention rules: an empty memory_type is the rule for every type without its own.
CREATE TABLE "org_retention" (
    "org_id" TEXT NOT NULL,
    "memory_type" TEXT NOT NULL DEFAULT '',
    "days" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "org_retention_pkey" PRIMARY KEY ("org_id","memory_type")
);

ALTER TABLE "org_retention" ADD CONSTRAINT "org_retention_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
