import {
  createJobBody,
  createRecordBody,
  listJobsQuery,
  listRecordsQuery,
  searchQuery,
  updateRecordBody,
} from "../../memory/memory-schemas.ts";
import {
  deletedActor,
  extractionJob,
  extractionJobList,
  memoryRecord,
  memoryRecordDetail,
  memoryRecordList,
  memorySearchResult,
} from "./memory-responses.ts";
import type { OperationSpec } from "./operations.ts";

// The routes of ../../memory/memory-routes.ts. Each answers 404 `memory_not_enabled` when memory is not mounted.

export const memoryOperations: OperationSpec[] = [
  {
    method: "get",
    path: "/v1/memory/records",
    operationId: "listMemoryRecords",
    summary: "List the tenant's memory records, newest first (namespace prefix, kind, status, time range)",
    tag: "Memory",
    query: listRecordsQuery,
    responses: { 200: { description: "A page of records", json: memoryRecordList } },
    errors: [400, 401, 404, 429],
  },
  {
    method: "post",
    path: "/v1/memory/records",
    operationId: "createMemoryRecord",
    summary: "Create a record under a namespace of the tenant, or in an actor's memory (actorId + kind)",
    tag: "Memory",
    body: createRecordBody,
    responses: { 201: { description: "The record", json: memoryRecord } },
    errors: [400, 401, 404, 413, 415, 429],
  },
  {
    method: "get",
    path: "/v1/memory/search",
    operationId: "searchMemory",
    summary: "Search records: hybrid (BM25 + vectors, fused by rank) or BM25 alone; the answer says which",
    tag: "Memory",
    query: searchQuery,
    responses: { 200: { description: "Hits, best first", json: memorySearchResult } },
    errors: [400, 401, 404, 429],
  },
  {
    method: "get",
    path: "/v1/memory/records/{id}",
    operationId: "getMemoryRecord",
    summary: "A record with its provenance, its change history and every version",
    tag: "Memory",
    responses: { 200: { description: "The record", json: memoryRecordDetail } },
    errors: [401, 404, 429],
  },
  {
    method: "patch",
    path: "/v1/memory/records/{id}",
    operationId: "updateMemoryRecord",
    summary: "Update a record as a new version: the old one is retired (reason updated) and linked to it",
    tag: "Memory",
    body: updateRecordBody,
    responses: { 200: { description: "The new version (a new id)", json: memoryRecord } },
    errors: [400, 401, 404, 409, 413, 415, 429],
  },
  {
    method: "delete",
    path: "/v1/memory/records/{id}",
    operationId: "deleteMemoryRecord",
    summary: "Delete a record and its older versions from every table and index",
    tag: "Memory",
    responses: { 204: { description: "Deleted" } },
    errors: [401, 404, 429],
  },
  {
    method: "delete",
    path: "/v1/memory/actors/{actor}",
    operationId: "deleteMemoryActor",
    summary:
      "Delete everything remembered about an actor (/tenants/{tenant}/actors/{actor}/...), every index",
    tag: "Memory",
    responses: { 200: { description: "What was deleted", json: deletedActor } },
    errors: [401, 404, 429],
  },
  {
    method: "get",
    path: "/v1/memory/jobs",
    operationId: "listExtractionJobs",
    summary: "Extraction jobs, newest first, with their status and what they produced or changed",
    tag: "Memory",
    query: listJobsQuery,
    responses: { 200: { description: "Jobs", json: extractionJobList } },
    errors: [400, 401, 404, 429],
  },
  {
    method: "post",
    path: "/v1/memory/jobs",
    operationId: "createExtractionJob",
    summary: "Extract memories from a session now (in the background): answers 202 with the queued job",
    tag: "Memory",
    body: createJobBody,
    responses: { 202: { description: "The queued job", json: extractionJob } },
    errors: [400, 401, 404, 409, 413, 415, 429],
  },
  {
    method: "get",
    path: "/v1/memory/jobs/{id}",
    operationId: "getExtractionJob",
    summary: "One extraction job",
    tag: "Memory",
    responses: { 200: { description: "The job", json: extractionJob } },
    errors: [401, 404, 429],
  },
];

/** Named schemas of the memory routes, for the document's components. */
export const memoryRequestSchemas = {
  CreateMemoryRecordRequest: createRecordBody,
  UpdateMemoryRecordRequest: updateRecordBody,
  CreateExtractionJobRequest: createJobBody,
};

export const memoryResponseSchemas = {
  MemoryRecord: memoryRecord,
  MemoryRecordList: memoryRecordList,
  MemoryRecordDetail: memoryRecordDetail,
  MemorySearchResult: memorySearchResult,
  ExtractionJob: extractionJob,
  ExtractionJobList: extractionJobList,
  DeletedActor: deletedActor,
};
