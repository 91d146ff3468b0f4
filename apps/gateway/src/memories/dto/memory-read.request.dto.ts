/**
 * The inputs of the read routes, for the OpenAPI document. They are validated once, by the query
 * service (the gateway passes them on as they came), with the same classes: one class per request
 * shape, its field rules and its documentation together (libs/http/src/read-requests/).
 */
export { AgentMemoriesQueryDto, ContextRequestDto, ListMemoriesQueryDto, SearchMemoriesRequestDto, SessionMemoriesQueryDto } from '@memtrace/http';
