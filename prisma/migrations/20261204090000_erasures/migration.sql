-- Erasures (forget by filter, an agent deleted with its memories) and their receipts.
CREATE TABLE "erasures" (
    "id" UUID NOT NULL,
    "org_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "filter" JSONB NOT NULL,
    "dry_run" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "matched" INTEGER,
    "erased" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "actor" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "erasures_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "erasures_org_id_created_at_idx" ON "erasures"("org_id", "created_at");

ALTER TABLE "erasures" ADD CONSTRAINT "erasures_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
