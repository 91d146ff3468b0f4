/** A parsed query string as Fastify hands it over: repeated keys become arrays. */
export type QueryParams = Readonly<Record<string, unknown>>;
