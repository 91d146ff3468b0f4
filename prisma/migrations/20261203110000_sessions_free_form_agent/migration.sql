-- A session keeps the agent id it was created with, registered or not (issue: sessions for any agent
-- id). Deleting a registered agent still deletes its sessions, by its id and its name, in the
-- repository's transaction.
ALTER TABLE "sessions" DROP CONSTRAINT "sessions_agent_id_fkey";
