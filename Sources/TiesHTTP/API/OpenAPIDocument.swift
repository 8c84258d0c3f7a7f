/// The OpenAPI 3.1 document of the API (SPEC §5), served as is at
/// `GET /v1/openapi.json`. Hand-written: keep it in step with `API.routes`,
/// the handlers and the JSON shapes in `TiesStore/Queries/QueryTypes.swift`.
/// `OpenAPIDocumentTests` checks that it parses, that its paths are exactly
/// `API.endpoints`, that every `$ref` resolves and that the public operations
/// are exactly the routes that need no key.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Ties",
        "version": "1",
        "summary": "An event-sourced relationship ledger.",
        "description": "Ties keeps the links between people and custom objects (orders, accounts, households, line items) and keeps them forever: every type definition, link, unlink and attribute change is appended to an immutable log, and current state, per-record history and the state as of any past moment are derived from it.\n\n**Authentication.** Every endpoint except `GET /v1/health` and `GET /v1/openapi.json` needs `Authorization: Bearer KEY`, a key made with `ties keys create`. Key roles: `read` (every GET), `append` (read + writes), `admin` (append + key and snapshot administration, which has no HTTP endpoint yet). A missing, unknown or revoked key is 401; a key whose role is too weak is 403. The actor of a commit is the key's name. Each operation states the role it needs in `x-ties-role`.\n\n**Writes.** Each write request is one atomic commit (a batch is one commit of many operations). A commit is acknowledged only once it is durable. Write bodies may carry two envelope fields besides the operation's own: `reason` (recorded with the commit) and `expectedHeadSeq`. Writes accept the `Idempotency-Key` header: a retry with the same key, method, path, `If-Match` and JSON body (key order and whitespace do not matter) gets the first answer back, status included, with `Idempotency-Replayed: true`, and appends nothing; the same key with anything else is 422 `idempotency_key_reused`. `If-Match: SEQ` (or the body field `expectedHeadSeq`) makes the write conditional: if the log's head is not SEQ it is 409 `sequence_conflict` and nothing is appended.\n\n**Errors** are RFC 9457 problem details (`application/problem+json`) with a stable `code`; see the `Problem` schema. Besides the responses listed per operation, any request can get 404 `not_found` (no endpoint at that path), 405 `method_not_allowed` (with `Allow`), 400 `invalid_field` (a path segment or the query string is not valid percent-encoded UTF-8), and the transport-level refusals of the HTTP layer: 400 `bad_request`, 408 `request_timeout`, 413 `payload_too_large` (a body over 16 MiB + 64 KiB), 414 `uri_too_long`, 431 `header_fields_too_large`, 501 `not_implemented`, 505 `http_version_not_supported`, 503 `service_unavailable` (too many connections or requests in flight). `HEAD` is answered for every GET endpoint.\n\n**Records** are named `TYPE:ID` (`person:user_123`, `order:eu:17`): the type is everything before the first `:`, the ID (1–255 UTF-8 bytes, any characters, `:` and `/` included) is the rest."
      },
      "servers": [
        {
          "url": "http://127.0.0.1:8080",
          "description": "The default address of `ties serve` (`--host`, `--port` change it)."
        }
      ],
      "security": [
        {
          "bearer": []
        }
      ],
      "tags": [
        {
          "name": "server",
          "description": "Liveness and this document."
        },
        {
          "name": "types",
          "description": "Object types and relationship types."
        },
        {
          "name": "relationships",
          "description": "Linking, unlinking and changing link attributes; atomic batches."
        },
        {
          "name": "records",
          "description": "A record's relationships (now or as of a past point) and its audit trail."
        },
        {
          "name": "log",
          "description": "The versions of one link and the change feed."
        }
      ],
      "paths": {
        "/v1/health": {
          "get": {
            "operationId": "getHealth",
            "tags": ["server"],
            "summary": "Liveness and the head of the log",
            "description": "Answers as long as the server runs, with the last durable seq. Needs no key.",
            "x-ties-role": "none",
            "security": [],
            "responses": {
              "200": {
                "description": "The server is up.",
                "content": {
                  "application/json": {
                    "schema": { "$ref": "#/components/schemas/Health" }
                  }
                }
              },
              "503": { "$ref": "#/components/responses/ServiceUnavailable" }
            }
          }
        },
        "/v1/openapi.json": {
          "get": {
            "operationId": "getOpenAPIDocument",
            "tags": ["server"],
            "summary": "This OpenAPI document",
            "description": "The OpenAPI 3.1 document of this API, the same one that is committed in the repository (`Sources/TiesHTTP/API/OpenAPIDocument.swift`). Needs role `read` (SPEC: every request but the health check needs a key).",
            "x-ties-role": "read",
            "responses": {
              "200": {
                "description": "The OpenAPI document.",
                "content": {
                  "application/json": {
                    "schema": { "type": "object" }
                  }
                }
              },
              "401": { "$ref": "#/components/responses/Unauthorized" },
              "503": { "$ref": "#/components/responses/ServiceUnavailable" }
            }
          }
        },
        "/v1/object-types": {
          "post": {
            "operationId": "defineObjectType",
            "tags": ["types"],
            "summary": "Define an object type",
            "description": "The `defineObjectType` operation: an upsert by name. A new name appends `objectType.defined` (201). Defining an existing type again with the same description, or with none, appends nothing (200, `created: false`, `seq: null`); with another description it appends a new `objectType.defined` that replaces the description (200, `created: false`, `seq` set). `person` is built in: defining it appends nothing. Needs role `append`.",
            "x-ties-role": "append",
            "parameters": [
              { "$ref": "#/components/parameters/IdempotencyKey" },
              { "$ref": "#/components/parameters/IfMatch" }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "allOf": [
                      { "$ref": "#/components/schemas/DefineObjectType" },
                      { "$ref": "#/components/schemas/WriteEnvelope" }
                    ],
                    "unevaluatedProperties": false
                  },
                  "example": { "name": "order", "description": "A purchase" }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The type was new and is now defined.",
                "headers": { "Idempotency-Replayed": { "$ref": "#/components/headers/IdempotencyReplayed" } },
                "content": {
                  "application/json": {
                    "schema": { "$ref": "#/components/schemas/ObjectTypeResult" }
                  }
                }
              },
              "200": {
                "description": "The type was already defined: unchanged (`seq: null`) or with its description replaced.",
                "headers": { "Idempotency-Replayed": { "$ref": "#/components/headers/IdempotencyReplayed" } },
                "content": {
                  "application/json": {
                    "schema": { "$ref": "#/components/schemas/ObjectTypeResult" }
                  }
                }
              },
              "400": { "$ref": "#/components/responses/BadWrite" },
              "401": { "$ref": "#/components/responses/Unauthorized" },
              "403": { "$ref": "#/components/responses/Forbidden" },
              "409": { "$ref": "#/components/responses/SequenceConflict" },
              "413": { "$ref": "#/components/responses/PayloadTooLarge" },
              "422": { "$ref": "#/components/responses/IdempotencyKeyReused" },
              "500": { "$ref": "#/components/responses/StorageFailure" },
              "503": { "$ref": "#/components/responses/Unavailable" }
            }
          },
          "get": {
            "operationId": "listObjectTypes",
            "tags": ["types"],
            "summary": "List object types",
            "description": "Every defined custom object type (`person`, built in, is not listed). Needs role `read`.",
            "x-ties-role": "read",
            "responses": {
              "200": {
                "description": "The object types.",
                "content": {
                  "application/json": {
                    "schema": { "$ref": "#/components/schemas/ObjectTypeList" }
                  }
                }
              },
              "401": { "$ref": "#/components/responses/Unauthorized" },
              "500": { "$ref": "#/components/responses/StorageFailure" },
              "503": { "$ref": "#/components/responses/Unavailable" }
            }
          }
        },
        "/v1/relationship-types": {
          "post": {
            "operationId": "registerRelationshipType",
            "tags": ["types"],
            "summary": "Register (upsert) a relationship type",
            "description": "The `registerRelationshipType` operation: an upsert keyed by (kind, role, object type(s)). A new key appends `relationshipType.registered` with a new `relationshipTypeId` (201). Re-registering an existing key with different optional fields appends `relationshipType.updated` holding only what changed (200); omitted optional fields are preserved; with nothing new it appends nothing (200, `seq: null`). The object types must be defined (404 `unknown_object_type` with `suggestions`). Tightening the cardinality of a type whose current links already break it is 409 `cardinality_violation`. Needs role `append`.",
            "x-ties-role": "append",
            "parameters": [
              { "$ref": "#/components/parameters/IdempotencyKey" },
              { "$ref": "#/components/parameters/IfMatch" }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "allOf": [
                      { "$ref": "#/components/schemas/RegisterRelationshipType" },
                      { "$ref": "#/components/schemas/WriteEnvelope" }
                    ],
                    "unevaluatedProperties": false
                  },
                  "example": { "kind": "person_to_co", "role": "placed", "customObjectType": "order", "cardinality": "ONE_TO_MANY" }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The type was new and is now registered.",
                "headers": { "Idempotency-Replayed": { "$ref": "#/components/headers/IdempotencyReplayed" } },
                "content": {
                  "application/json": {
                    "schema": { "$ref": "#/components/schemas/RelationshipTypeResult" }
                  }
                }
              },
              "200": {
                "description": "The type existed: refined (`seq` set) or unchanged (`seq: null`). The body is the type as it now is.",
                "headers": { "Idempotency-Replayed": { "$ref": "#/components/headers/IdempotencyReplayed" } },
                "content": {
                  "application/json": {
                    "schema": { "$ref": "#/components/schemas/RelationshipTypeResult" }
                  }
                }
              },
              "400": { "$ref": "#/components/responses/BadWrite" },
              "401": { "$ref": "#/components/responses/Unauthorized" },
              "403": { "$ref": "#/components/responses/Forbidden" },
              "404": {
                "description": "`unknown_object_type`: an object type is not defined; `suggestions` lists close existing names, `field` and `name` say which.",
                "content": {
                  "application/problem+json": {
                    "schema": { "$ref": "#/components/schemas/Problem" }
                  }
                }
              },
              "409": { "$ref": "#/components/responses/Conflict" },
              "413": { "$ref": "#/components/responses/PayloadTooLarge" },
              "422": { "$ref": "#/components/responses/IdempotencyKeyReused" },
              "500": { "$ref": "#/components/responses/StorageFailure" },
              "503": { "$ref": "#/components/responses/Unavailable" }
            }
          },
          "get": {
            "operationId": "listRelationshipTypes",
            "tags": ["types"],
            "summary": "List relationship types",
            "description": "Every registered relationship type, grouped by kind. Needs role `read`.",
            "x-ties-role": "read",
            "responses": {
              "200": {
                "description": "The relationship types.",
                "content": {
                  "application/json": {
                    "schema": { "$ref": "#/components/schemas/RelationshipTypeCatalog" }
                  }
                }
              },
              "401": { "$ref": "#/components/responses/Unauthorized" },
              "500": { "$ref": "#/components/responses/StorageFailure" },
              "503": { "$ref": "#/components/responses/Unavailable" }
            }
          }
        },
        "/v1/relationships": {
          "post": {
            "operationId": "link",
            "tags": ["relationships"],
            "summary": "Link two records",
            "description": "The `link` operation. A new link appends `relationship.linked` (201). If the link already exists its attributes are merged: with nothing new it appends nothing (200, `created: false`, `seq: null`); with new or changed attributes it appends `relationship.attributesChanged` (200, `created: false`, `seq` set). Cardinality is enforced: a link that would break it is 409 `cardinality_violation` naming the `existing` link. Needs role `append`.",
            "x-ties-role": "append",
            "parameters": [
              { "$ref": "#/components/parameters/IdempotencyKey" },
              { "$ref": "#/components/parameters/IfMatch" }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "allOf": [
                      { "$ref": "#/components/schemas/LinkRequest" },
                      { "$ref": "#/components/schemas/WriteEnvelope" }
                    ],
                    "unevaluatedProperties": false
                  },
                  "examples": {
                    "byId": {
                      "summary": "A person_to_co link, type named by ID",
                      "value": { "relationshipTypeId": "rt_tgcykdyt", "personExternalId": "user_123", "customObjectExternalId": "ord_998", "attributes": { "channel": "web" } }
                    },
                    "byKey": {
                      "summary": "A co_to_co link, type named by its key",
                      "value": { "relationshipType": { "kind": "co_to_co", "role": "contains", "parentCustomObjectType": "order", "childCustomObjectType": "line_item" }, "parentExternalId": "ord_998", "childExternalId": "li_1", "reason": "import from shop" }
                    }
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The link is new.",
                "headers": { "Idempotency-Replayed": { "$ref": "#/components/headers/IdempotencyReplayed" } },
                "content": {
                  "application/json": {
                    "schema": { "$ref": "#/components/schemas/LinkResult" }
                  }
                }
              },
              "200": {
                "description": "The link already existed; its attributes were merged (`seq` set) or already equal (`seq: null`).",
                "headers": { "Idempotency-Replayed": { "$ref": "#/components/headers/IdempotencyReplayed" } },
                "content": {
                  "application/json": {
                    "schema": { "$ref": "#/components/schemas/LinkResult" }
                  }
                }
              },
              "400": { "$ref": "#/components/responses/BadWrite" },
              "401": { "$ref": "#/components/responses/Unauthorized" },
              "403": { "$ref": "#/components/responses/Forbidden" },
              "404": {
                "description": "`unknown_relationship_type` (no type with that ID or key) or `unknown_object_type` (a `relationshipType` key names an undefined object type).",
                "content": {
                  "application/problem+json": {
                    "schema": { "$ref": "#/components/schemas/Problem" }
                  }
                }
              },
              "409": { "$ref": "#/components/responses/Conflict" },
              "413": { "$ref": "#/components/responses/PayloadTooLarge" },
              "422": { "$ref": "#/components/responses/IdempotencyKeyReused" },
              "500": { "$ref": "#/components/responses/StorageFailure" },
              "503": { "$ref": "#/components/responses/Unavailable" }
            }
          },
          "patch": {
            "operationId": "setAttributes",
            "tags": ["relationships"],
            "summary": "Change a link's attributes",
            "description": "The `setAttributes` operation: sets the keys of `set` and removes the keys of `unset` on an existing link, appending `relationship.attributesChanged` (`changed: true`), or nothing when that changes nothing (`changed: false`, `seq: null`). A link that does not exist is 404 `relationship_not_found`. Needs role `append`.",
            "x-ties-role": "append",
            "parameters": [
              { "$ref": "#/components/parameters/IdempotencyKey" },
              { "$ref": "#/components/parameters/IfMatch" }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "allOf": [
                      { "$ref": "#/components/schemas/SetAttributes" },
                      { "$ref": "#/components/schemas/WriteEnvelope" }
                    ],
                    "unevaluatedProperties": false
                  },
                  "example": { "relationshipTypeId": "rt_tgcykdyt", "personExternalId": "user_123", "customObjectExternalId": "ord_998", "set": { "status": "returned" }, "unset": ["channel"] }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The attributes were changed, or already were as asked.",
                "headers": { "Idempotency-Replayed": { "$ref": "#/components/headers/IdempotencyReplayed" } },
                "content": {
                  "application/json": {
                    "schema": { "$ref": "#/components/schemas/SetAttributesResult" }
                  }
                }
              },
              "400": { "$ref": "#/components/responses/BadWrite" },
              "401": { "$ref": "#/components/responses/Unauthorized" },
              "403": { "$ref": "#/components/responses/Forbidden" },
              "404": { "$ref": "#/components/responses/LinkNotFound" },
              "409": { "$ref": "#/components/responses/SequenceConflict" },
              "413": { "$ref": "#/components/responses/PayloadTooLarge" },
              "422": { "$ref": "#/components/responses/IdempotencyKeyReused" },
              "500": { "$ref": "#/components/responses/StorageFailure" },
              "503": { "$ref": "#/components/responses/Unavailable" }
            }
          },
          "delete": {
            "operationId": "unlink",
            "tags": ["relationships"],
            "summary": "Unlink two records",
            "description": "The `unlink` operation, with the identifying fields in a JSON body: appends `relationship.unlinked`. A link that does not exist is 404 `relationship_not_found`. The link's versions stay in the history. Needs role `append`.",
            "x-ties-role": "append",
            "parameters": [
              { "$ref": "#/components/parameters/IdempotencyKey" },
              { "$ref": "#/components/parameters/IfMatch" }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "allOf": [
                      { "$ref": "#/components/schemas/Unlink" },
                      { "$ref": "#/components/schemas/WriteEnvelope" }
                    ],
                    "unevaluatedProperties": false
                  },
                  "example": { "relationshipTypeId": "rt_tgcykdyt", "personExternalId": "user_123", "customObjectExternalId": "ord_998", "reason": "order cancelled" }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The link is gone.",
                "headers": { "Idempotency-Replayed": { "$ref": "#/components/headers/IdempotencyReplayed" } },
                "content": {
                  "application/json": {
                    "schema": { "$ref": "#/components/schemas/UnlinkResult" }
                  }
                }
              },
              "400": { "$ref": "#/components/responses/BadWrite" },
              "401": { "$ref": "#/components/responses/Unauthorized" },
              "403": { "$ref": "#/components/responses/Forbidden" },
              "404": { "$ref": "#/components/responses/LinkNotFound" },
              "409": { "$ref": "#/components/responses/SequenceConflict" },
              "413": { "$ref": "#/components/responses/PayloadTooLarge" },
              "422": { "$ref": "#/components/responses/IdempotencyKeyReused" },
              "500": { "$ref": "#/components/responses/StorageFailure" },
              "503": { "$ref": "#/components/responses/Unavailable" }
            }
          }
        },
        "/v1/batch": {
          "post": {
            "operationId": "batch",
            "tags": ["relationships"],
            "summary": "Apply operations as one atomic commit",
            "description": "1 to 10,000 operations, each with its `op`, as one atomic commit: every operation is validated against the state the operations before it produce, and one rejected operation rejects the whole commit (the problem's `index` is the 0-based position of the failing operation) and nothing is appended. The body is a JSON array of operations, or an object `{\"operations\": […]}` that may also carry `reason` and `expectedHeadSeq`. Always 200 on success; `results` holds each operation's answer in order. Needs role `append`.",
            "x-ties-role": "append",
            "parameters": [
              { "$ref": "#/components/parameters/IdempotencyKey" },
              { "$ref": "#/components/parameters/IfMatch" }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": { "$ref": "#/components/schemas/Batch" },
                  "examples": {
                    "array": {
                      "summary": "An array of operations",
                      "value": [
                        { "op": "defineObjectType", "name": "order", "description": "A purchase" },
                        { "op": "registerRelationshipType", "kind": "person_to_co", "role": "placed", "customObjectType": "order", "cardinality": "ONE_TO_MANY" },
                        { "op": "link", "relationshipType": { "kind": "person_to_co", "role": "placed", "customObjectType": "order" }, "personExternalId": "user_123", "customObjectExternalId": "ord_998", "attributes": { "channel": "web" } }
                      ]
                    },
                    "object": {
                      "summary": "An object with operations and envelope fields",
                      "value": {
                        "operations": [
                          { "op": "unlink", "relationshipTypeId": "rt_tgcykdyt", "personExternalId": "user_123", "customObjectExternalId": "ord_998" }
                        ],
                        "reason": "GDPR erasure request #42",
                        "expectedHeadSeq": 1234
                      }
                    }
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The commit was appended (or appended nothing: `firstSeq` and `lastSeq` are null when no operation changed anything).",
                "headers": { "Idempotency-Replayed": { "$ref": "#/components/headers/IdempotencyReplayed" } },
                "content": {
                  "application/json": {
                    "schema": { "$ref": "#/components/schemas/BatchResult" }
                  }
                }
              },
              "400": { "$ref": "#/components/responses/BadWrite" },
              "401": { "$ref": "#/components/responses/Unauthorized" },
              "403": { "$ref": "#/components/responses/Forbidden" },
              "404": {
                "description": "An operation names an unknown object type (`unknown_object_type`), an unknown relationship type (`unknown_relationship_type`) or a link that does not exist (`relationship_not_found`); `index` says which operation.",
                "content": {
                  "application/problem+json": {
                    "schema": { "$ref": "#/components/schemas/Problem" }
                  }
                }
              },
              "409": { "$ref": "#/components/responses/Conflict" },
              "413": { "$ref": "#/components/responses/PayloadTooLarge" },
              "422": { "$ref": "#/components/responses/IdempotencyKeyReused" },
              "500": { "$ref": "#/components/responses/StorageFailure" },
              "503": { "$ref": "#/components/responses/Unavailable" }
            }
          }
        },
        "/v1/records/{type}/{id}/relationships": {
          "get": {
            "operationId": "getRecordRelationships",
            "tags": ["records"],
            "summary": "A record's relationships, now or as of a past point",
            "description": "The links of the record: every link it is the `from` of (`direction: forward`), and the links it is the `to` of in types that were `bidirectional` at that point (`direction: inverse`). With `asOf`, the state after the last whole commit at or before that seq or time; before the first commit that is `asOfSeq: 0` with no relationships. A record nothing was ever linked to simply has none. Needs role `read`.",
            "x-ties-role": "read",
            "parameters": [
              { "$ref": "#/components/parameters/RecordType" },
              { "$ref": "#/components/parameters/RecordId" },
              {
                "name": "asOf",
                "in": "query",
                "required": false,
                "description": "A seq (`1234`) or an RFC 3339 time (`2026-11-01T00:00:00Z`). Without it: now. A seq past the head means the head.",
                "schema": { "$ref": "#/components/schemas/AsOf" }
              }
            ],
            "responses": {
              "200": {
                "description": "The record's relationships.",
                "content": {
                  "application/json": {
                    "schema": { "$ref": "#/components/schemas/RecordRelationships" }
                  }
                }
              },
              "400": { "$ref": "#/components/responses/BadQuery" },
              "401": { "$ref": "#/components/responses/Unauthorized" },
              "500": { "$ref": "#/components/responses/StorageFailure" },
              "503": { "$ref": "#/components/responses/Unavailable" }
            }
          }
        },
        "/v1/records/{type}/{id}/history": {
          "get": {
            "operationId": "getRecordHistory",
            "tags": ["records"],
            "summary": "A record's audit trail",
            "description": "Every event about links of the record (as `from` or `to`), newest first, with the commit's time, actor and reason. Pages of `limit` entries; pass `next` as `after` for the following (older) page. Needs role `read`.",
            "x-ties-role": "read",
            "parameters": [
              { "$ref": "#/components/parameters/RecordType" },
              { "$ref": "#/components/parameters/RecordId" },
              {
                "name": "limit",
                "in": "query",
                "required": false,
                "description": "Entries per page.",
                "schema": { "type": "integer", "minimum": 1, "maximum": 1000, "default": 50 }
              },
              {
                "name": "after",
                "in": "query",
                "required": false,
                "description": "The `next` cursor of the previous page (opaque).",
                "schema": { "type": "string" }
              }
            ],
            "responses": {
              "200": {
                "description": "One page of the record's history.",
                "content": {
                  "application/json": {
                    "schema": { "$ref": "#/components/schemas/HistoryPage" }
                  }
                }
              },
              "400": { "$ref": "#/components/responses/BadQuery" },
              "401": { "$ref": "#/components/responses/Unauthorized" },
              "500": { "$ref": "#/components/responses/StorageFailure" },
              "503": { "$ref": "#/components/responses/Unavailable" }
            }
          }
        },
        "/v1/relationships/history": {
          "get": {
            "operationId": "getLinkVersions",
            "tags": ["log"],
            "summary": "Every version of one link",
            "description": "The versions of the link (`relationshipTypeId`, `from`, `to`), oldest first: each holds the attributes over `[fromSeq, toSeq)`; the current version has `toSeq: null`. An unlink ends a version; a relink starts a new life (`linkedSeq`). A link that never existed is 404 `relationship_not_found`. Needs role `read`.",
            "x-ties-role": "read",
            "parameters": [
              {
                "name": "relationshipTypeId",
                "in": "query",
                "required": true,
                "description": "The relationship type.",
                "schema": { "$ref": "#/components/schemas/RelationshipTypeId" }
              },
              {
                "name": "from",
                "in": "query",
                "required": true,
                "description": "The from record: `TYPE:ID` when it starts with the type's from object type and a `:` (`person:user_123`), otherwise a bare ID of that type (`user_123`). An ID that itself starts with `TYPE:` must be sent in the `TYPE:ID` form.",
                "schema": { "type": "string", "minLength": 1 }
              },
              {
                "name": "to",
                "in": "query",
                "required": true,
                "description": "The to record, in the same two forms as `from`.",
                "schema": { "type": "string", "minLength": 1 }
              }
            ],
            "responses": {
              "200": {
                "description": "The link's versions.",
                "content": {
                  "application/json": {
                    "schema": { "$ref": "#/components/schemas/LinkVersions" }
                  }
                }
              },
              "400": { "$ref": "#/components/responses/BadQuery" },
              "401": { "$ref": "#/components/responses/Unauthorized" },
              "404": {
                "description": "`unknown_relationship_type`: no relationship type with that ID; `relationship_not_found`: the link never existed.",
                "content": {
                  "application/problem+json": {
                    "schema": { "$ref": "#/components/schemas/Problem" }
                  }
                }
              },
              "500": { "$ref": "#/components/responses/StorageFailure" },
              "503": { "$ref": "#/components/responses/Unavailable" }
            }
          }
        },
        "/v1/events": {
          "get": {
            "operationId": "listEvents",
            "tags": ["log"],
            "summary": "The change feed",
            "description": "Up to `limit` events with seq greater than `after`, oldest first. Pass `next` as `after` to continue. With `wait`, a long poll: when there is nothing after `after` the request waits up to `wait` seconds and answers as soon as a commit lands (or with an empty page when none did). Needs role `read`.",
            "x-ties-role": "read",
            "parameters": [
              {
                "name": "after",
                "in": "query",
                "required": false,
                "description": "Return events with a seq greater than this.",
                "schema": { "type": "integer", "format": "int64", "minimum": 0, "default": 0 }
              },
              {
                "name": "limit",
                "in": "query",
                "required": false,
                "description": "At most this many events.",
                "schema": { "type": "integer", "minimum": 1, "maximum": 1000, "default": 100 }
              },
              {
                "name": "wait",
                "in": "query",
                "required": false,
                "description": "Seconds to wait for a new commit when there is nothing after `after` (0: answer at once).",
                "schema": { "type": "integer", "minimum": 0, "maximum": 60, "default": 0 }
              }
            ],
            "responses": {
              "200": {
                "description": "One page of the feed.",
                "content": {
                  "application/json": {
                    "schema": { "$ref": "#/components/schemas/EventsPage" }
                  }
                }
              },
              "400": { "$ref": "#/components/responses/BadQuery" },
              "401": { "$ref": "#/components/responses/Unauthorized" },
              "500": { "$ref": "#/components/responses/StorageFailure" },
              "503": { "$ref": "#/components/responses/Unavailable" }
            }
          }
        }
      },
      "components": {
        "securitySchemes": {
          "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key from `ties keys create --name N --role read|append|admin` (`tk_…`), sent as `Authorization: Bearer KEY`. Only the key's SHA-256 is stored; `ties keys revoke N` revokes it."
          }
        },
        "parameters": {
          "IdempotencyKey": {
            "name": "Idempotency-Key",
            "in": "header",
            "required": false,
            "description": "Makes the write safe to retry: a retry with the same key and the same request (method, path, `If-Match`, JSON body) returns the first answer and appends nothing; the same key with another request is 422 `idempotency_key_reused`. 1–255 characters, no control characters.",
            "schema": { "type": "string", "minLength": 1, "maxLength": 255 }
          },
          "IfMatch": {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Append only if the log's head is still this seq, else 409 `sequence_conflict`. A decimal seq, optionally in double quotes (`42` or `\"42\"`). If the body also has `expectedHeadSeq`, the two must agree (else 400 `invalid_field`).",
            "schema": { "type": "string", "pattern": "^\\s*(\"[0-9]+\"|[0-9]+)\\s*$" },
            "example": "42"
          },
          "RecordType": {
            "name": "type",
            "in": "path",
            "required": true,
            "description": "The record's type (`person` or a custom object type), a percent-encoded path segment.",
            "schema": { "type": "string", "minLength": 1 },
            "example": "person"
          },
          "RecordId": {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The record's ID, a percent-encoded path segment: 1–255 UTF-8 bytes once decoded, any characters (send `/` as `%2F`, `%` as `%25`).",
            "schema": { "type": "string", "minLength": 1 },
            "example": "user_123"
          }
        },
        "headers": {
          "IdempotencyReplayed": {
            "description": "`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`; absent otherwise.",
            "schema": { "type": "string", "const": "true" }
          },
          "WWWAuthenticate": {
            "description": "The authentication challenge.",
            "schema": { "type": "string", "const": "Bearer realm=\"ties\"" }
          },
          "Allow": {
            "description": "The methods this path does support.",
            "schema": { "type": "string" }
          }
        },
        "responses": {
          "BadWrite": {
            "description": "`invalid_json` (no body, or not valid JSON) or `invalid_field` (a field is missing, unknown, of the wrong type or past a limit; a bad `If-Match`; `op` not matching the endpoint; a commit over 10,000 operations or events or 16 MiB) or `invalid_cardinality`. `field` names the field; in a batch `index` names the operation.",
            "content": {
              "application/problem+json": {
                "schema": { "$ref": "#/components/schemas/Problem" }
              }
            }
          },
          "BadQuery": {
            "description": "`invalid_field`: a query parameter or path segment is missing, malformed or out of range; `field` names it.",
            "content": {
              "application/problem+json": {
                "schema": { "$ref": "#/components/schemas/Problem" }
              }
            }
          },
          "Unauthorized": {
            "description": "`unauthorized`: no `Authorization: Bearer KEY`, or the key is unknown or revoked.",
            "headers": { "WWW-Authenticate": { "$ref": "#/components/headers/WWWAuthenticate" } },
            "content": {
              "application/problem+json": {
                "schema": { "$ref": "#/components/schemas/Problem" }
              }
            }
          },
          "Forbidden": {
            "description": "`forbidden`: the key's role is `read`; writes need `append` or `admin`.",
            "content": {
              "application/problem+json": {
                "schema": { "$ref": "#/components/schemas/Problem" }
              }
            }
          },
          "LinkNotFound": {
            "description": "`relationship_not_found` (no current link; `relationship` names it), `unknown_relationship_type` or `unknown_object_type` (a `relationshipType` key names an undefined object type).",
            "content": {
              "application/problem+json": {
                "schema": { "$ref": "#/components/schemas/Problem" }
              }
            }
          },
          "SequenceConflict": {
            "description": "`sequence_conflict`: the head is not the `If-Match` / `expectedHeadSeq` seq; `headSeq` is the actual head.",
            "content": {
              "application/problem+json": {
                "schema": { "$ref": "#/components/schemas/Problem" }
              }
            }
          },
          "Conflict": {
            "description": "`cardinality_violation` (the write would break a relationship type's cardinality; `cardinality` and the `existing` link say why) or `sequence_conflict` (the head is not the `If-Match` / `expectedHeadSeq` seq; `headSeq` is the actual head).",
            "content": {
              "application/problem+json": {
                "schema": { "$ref": "#/components/schemas/Problem" }
              }
            }
          },
          "PayloadTooLarge": {
            "description": "`payload_too_large`: the body is over 16 MiB + 64 KiB. The connection is closed.",
            "content": {
              "application/problem+json": {
                "schema": { "$ref": "#/components/schemas/Problem" }
              }
            }
          },
          "IdempotencyKeyReused": {
            "description": "`idempotency_key_reused`: the `Idempotency-Key` was used for another request; `idempotencyKey` repeats it.",
            "content": {
              "application/problem+json": {
                "schema": { "$ref": "#/components/schemas/Problem" }
              }
            }
          },
          "MethodNotAllowed": {
            "description": "`method_not_allowed`: the path exists, not with this method. Answered for any path of this document with a method it does not list.",
            "headers": { "Allow": { "$ref": "#/components/headers/Allow" } },
            "content": {
              "application/problem+json": {
                "schema": { "$ref": "#/components/schemas/Problem" }
              }
            }
          },
          "StorageFailure": {
            "description": "The ledger could not complete the request (`ledger_damaged`, `io_error`, `ledger_read_only`, `ledger_not_found`, `ledger_exists`); details are in the server log, not in the answer.",
            "content": {
              "application/problem+json": {
                "schema": { "$ref": "#/components/schemas/Problem" }
              }
            }
          },
          "Unavailable": {
            "description": "`ledger_busy` (the server is shutting down or the projection is being rebuilt; nothing was committed) or `service_unavailable` (too many connections or requests in flight). Retry shortly.",
            "content": {
              "application/problem+json": {
                "schema": { "$ref": "#/components/schemas/Problem" }
              }
            }
          },
          "ServiceUnavailable": {
            "description": "`service_unavailable`: too many connections or requests in flight. Retry shortly.",
            "content": {
              "application/problem+json": {
                "schema": { "$ref": "#/components/schemas/Problem" }
              }
            }
          }
        },
        "schemas": {
          "Seq": {
            "description": "The position of an event in the log: 1, 2, 3 … gapless, never reused.",
            "type": "integer",
            "format": "int64",
            "minimum": 1
          },
          "Timestamp": {
            "description": "An RFC 3339 time in UTC with milliseconds.",
            "type": "string",
            "format": "date-time",
            "examples": ["2026-11-01T09:30:00.000Z"]
          },
          "AsOf": {
            "description": "A seq (a run of digits) or an RFC 3339 time.",
            "anyOf": [
              { "type": "string", "pattern": "^[0-9]+$" },
              { "type": "string", "format": "date-time" }
            ],
            "examples": ["1234", "2026-11-01T00:00:00Z"]
          },
          "Record": {
            "description": "A record, `TYPE:ID`: the type is everything before the first `:`, the ID (1–255 UTF-8 bytes) the rest.",
            "type": "string",
            "pattern": "^[^:]+:.+$",
            "examples": ["person:user_123", "order:ord_998"]
          },
          "ExternalId": {
            "description": "A record ID: an opaque UTF-8 string of 1–255 bytes, any characters (including `:` and `/`).",
            "type": "string",
            "minLength": 1,
            "maxLength": 255,
            "examples": ["user_123"]
          },
          "ObjectTypeName": {
            "description": "An object type name: 1–255 characters, no `:`, no `/`, no control characters.",
            "type": "string",
            "minLength": 1,
            "maxLength": 255,
            "pattern": "^[^:/\\u0000-\\u001F\\u007F]+$",
            "examples": ["order"]
          },
          "CustomObjectTypeName": {
            "description": "A defined custom object type (not the built-in `person`).",
            "allOf": [{ "$ref": "#/components/schemas/ObjectTypeName" }],
            "not": { "const": "person" }
          },
          "Role": {
            "description": "A relationship type's role: 1–255 characters, no `/`, no control characters.",
            "type": "string",
            "minLength": 1,
            "maxLength": 255,
            "pattern": "^[^/\\u0000-\\u001F\\u007F]+$",
            "examples": ["placed"]
          },
          "Description": {
            "description": "1–1000 characters.",
            "type": "string",
            "minLength": 1,
            "maxLength": 1000
          },
          "RelationshipKind": {
            "description": "`person_to_co`: person → custom object. `co_to_co`: parent object → child object.",
            "type": "string",
            "enum": ["person_to_co", "co_to_co"]
          },
          "Cardinality": {
            "description": "Enforced on link. `ONE_TO_MANY`: a `to` record has at most one `from` in the type; `MANY_TO_ONE`: a `from` record has at most one `to`; `ONE_TO_ONE`: both. No cardinality constrains nothing.",
            "type": "string",
            "enum": ["ONE_TO_ONE", "ONE_TO_MANY", "MANY_TO_ONE", "MANY_TO_MANY"]
          },
          "RelationshipTypeId": {
            "description": "A relationship type's stable ID: `rt_` and base32 characters derived from its key.",
            "type": "string",
            "examples": ["rt_tgcykdyt"]
          },
          "AttributeValue": {
            "description": "A JSON scalar; strings are at most 4096 UTF-8 bytes.",
            "type": ["string", "number", "boolean", "null"],
            "maxLength": 4096
          },
          "Attributes": {
            "description": "A link's attributes: keys (1–255 characters) to JSON scalars; at most 100 per link.",
            "type": "object",
            "maxProperties": 100,
            "propertyNames": { "minLength": 1, "maxLength": 255 },
            "additionalProperties": { "$ref": "#/components/schemas/AttributeValue" }
          },
          "WriteEnvelope": {
            "description": "Fields every write body may carry besides the operation's own.",
            "type": "object",
            "properties": {
              "reason": {
                "description": "Why: recorded with the commit and shown in history (1–1000 characters). `null` is the same as leaving it out.",
                "type": ["string", "null"],
                "minLength": 1,
                "maxLength": 1000
              },
              "expectedHeadSeq": {
                "description": "Append only if the log's head is still this seq, else 409 `sequence_conflict`. Must agree with `If-Match` when both are given. `null` is the same as leaving it out.",
                "type": ["integer", "null"],
                "format": "int64"
              }
            }
          },
          "RelationshipTypeKey": {
            "description": "What identifies a relationship type: kind, role and the object type(s). `person_to_co` takes `customObjectType` (the from side is always `person`); `co_to_co` takes `parentCustomObjectType` and `childCustomObjectType`.",
            "type": "object",
            "properties": {
              "kind": { "$ref": "#/components/schemas/RelationshipKind" },
              "role": { "$ref": "#/components/schemas/Role" },
              "customObjectType": { "$ref": "#/components/schemas/CustomObjectTypeName" },
              "parentCustomObjectType": { "$ref": "#/components/schemas/CustomObjectTypeName" },
              "childCustomObjectType": { "$ref": "#/components/schemas/CustomObjectTypeName" }
            },
            "required": ["kind", "role"],
            "oneOf": [
              {
                "title": "person_to_co",
                "properties": { "kind": { "const": "person_to_co" } },
                "required": ["customObjectType"],
                "not": { "anyOf": [{ "required": ["parentCustomObjectType"] }, { "required": ["childCustomObjectType"] }] }
              },
              {
                "title": "co_to_co",
                "properties": { "kind": { "const": "co_to_co" } },
                "required": ["parentCustomObjectType", "childCustomObjectType"],
                "not": { "required": ["customObjectType"] }
              }
            ]
          },
          "LinkIdentity": {
            "description": "Names one link: the relationship type, by `relationshipTypeId` or by a `relationshipType` key object (exactly one of the two), and the two records' IDs: `personExternalId` + `customObjectExternalId` for `person_to_co`, `parentExternalId` + `childExternalId` for `co_to_co`.",
            "type": "object",
            "properties": {
              "relationshipTypeId": { "$ref": "#/components/schemas/RelationshipTypeId" },
              "relationshipType": {
                "$ref": "#/components/schemas/RelationshipTypeKey",
                "unevaluatedProperties": false
              },
              "personExternalId": { "$ref": "#/components/schemas/ExternalId" },
              "customObjectExternalId": { "$ref": "#/components/schemas/ExternalId" },
              "parentExternalId": { "$ref": "#/components/schemas/ExternalId" },
              "childExternalId": { "$ref": "#/components/schemas/ExternalId" }
            },
            "allOf": [
              {
                "oneOf": [
                  { "title": "by ID", "required": ["relationshipTypeId"] },
                  { "title": "by key", "required": ["relationshipType"] }
                ]
              },
              {
                "oneOf": [
                  {
                    "title": "person and object",
                    "required": ["personExternalId", "customObjectExternalId"],
                    "not": { "anyOf": [{ "required": ["parentExternalId"] }, { "required": ["childExternalId"] }] }
                  },
                  {
                    "title": "parent and child",
                    "required": ["parentExternalId", "childExternalId"],
                    "not": { "anyOf": [{ "required": ["personExternalId"] }, { "required": ["customObjectExternalId"] }] }
                  }
                ]
              }
            ]
          },
          "DefineObjectType": {
            "description": "`defineObjectType`: defines a custom object type (an upsert by name). `op` is optional at `POST /v1/object-types` and must then be `defineObjectType`.",
            "type": "object",
            "properties": {
              "op": { "const": "defineObjectType" },
              "name": { "$ref": "#/components/schemas/ObjectTypeName" },
              "description": {
                "anyOf": [{ "$ref": "#/components/schemas/Description" }, { "type": "null" }]
              }
            },
            "required": ["name"]
          },
          "RegisterRelationshipType": {
            "description": "`registerRelationshipType`: an upsert keyed by kind, role and object type(s). Omitted (or null) optional fields are preserved on re-registration. `op` is optional at `POST /v1/relationship-types`.",
            "type": "object",
            "allOf": [{ "$ref": "#/components/schemas/RelationshipTypeKey" }],
            "properties": {
              "op": { "const": "registerRelationshipType" },
              "cardinality": {
                "description": "Anything but the four values is 400 `invalid_cardinality`.",
                "anyOf": [{ "$ref": "#/components/schemas/Cardinality" }, { "type": "null" }]
              },
              "description": {
                "anyOf": [{ "$ref": "#/components/schemas/Description" }, { "type": "null" }]
              },
              "bidirectional": {
                "description": "When true, the `to` record's relationships list the link too (`direction: inverse`). Default false for a new type.",
                "type": ["boolean", "null"]
              }
            }
          },
          "LinkRequest": {
            "description": "`link`: creates the link, or merges `attributes` into an existing one. `op` is optional at `POST /v1/relationships`.",
            "type": "object",
            "allOf": [{ "$ref": "#/components/schemas/LinkIdentity" }],
            "properties": {
              "op": { "const": "link" },
              "attributes": {
                "anyOf": [{ "$ref": "#/components/schemas/Attributes" }, { "type": "null" }]
              }
            }
          },
          "SetAttributes": {
            "description": "`setAttributes`: sets and removes attributes of an existing link. `op` is optional at `PATCH /v1/relationships`.",
            "type": "object",
            "allOf": [{ "$ref": "#/components/schemas/LinkIdentity" }],
            "properties": {
              "op": { "const": "setAttributes" },
              "set": {
                "description": "Attributes to set (added or replaced).",
                "anyOf": [{ "$ref": "#/components/schemas/Attributes" }, { "type": "null" }]
              },
              "unset": {
                "description": "Attribute keys to remove.",
                "type": ["array", "null"],
                "items": { "type": "string" }
              }
            }
          },
          "Unlink": {
            "description": "`unlink`: removes an existing link. `op` is optional at `DELETE /v1/relationships`.",
            "type": "object",
            "allOf": [{ "$ref": "#/components/schemas/LinkIdentity" }],
            "properties": {
              "op": { "const": "unlink" }
            }
          },
          "DefineObjectTypeOperation": {
            "allOf": [{ "$ref": "#/components/schemas/DefineObjectType" }],
            "required": ["op"],
            "unevaluatedProperties": false
          },
          "RegisterRelationshipTypeOperation": {
            "allOf": [{ "$ref": "#/components/schemas/RegisterRelationshipType" }],
            "required": ["op"],
            "unevaluatedProperties": false
          },
          "LinkOperation": {
            "allOf": [{ "$ref": "#/components/schemas/LinkRequest" }],
            "required": ["op"],
            "unevaluatedProperties": false
          },
          "SetAttributesOperation": {
            "allOf": [{ "$ref": "#/components/schemas/SetAttributes" }],
            "required": ["op"],
            "unevaluatedProperties": false
          },
          "UnlinkOperation": {
            "allOf": [{ "$ref": "#/components/schemas/Unlink" }],
            "required": ["op"],
            "unevaluatedProperties": false
          },
          "Operation": {
            "description": "One operation of SPEC §3, as a batch item or a `ties import` line: its kind in `op`.",
            "type": "object",
            "oneOf": [
              { "$ref": "#/components/schemas/DefineObjectTypeOperation" },
              { "$ref": "#/components/schemas/RegisterRelationshipTypeOperation" },
              { "$ref": "#/components/schemas/LinkOperation" },
              { "$ref": "#/components/schemas/SetAttributesOperation" },
              { "$ref": "#/components/schemas/UnlinkOperation" }
            ],
            "discriminator": {
              "propertyName": "op",
              "mapping": {
                "defineObjectType": "#/components/schemas/DefineObjectTypeOperation",
                "registerRelationshipType": "#/components/schemas/RegisterRelationshipTypeOperation",
                "link": "#/components/schemas/LinkOperation",
                "setAttributes": "#/components/schemas/SetAttributesOperation",
                "unlink": "#/components/schemas/UnlinkOperation"
              }
            }
          },
          "Batch": {
            "description": "A JSON array of 1–10,000 operations, or an object holding them in `operations` with the envelope fields `reason` and `expectedHeadSeq` (no other fields).",
            "oneOf": [
              {
                "title": "array",
                "type": "array",
                "minItems": 1,
                "maxItems": 10000,
                "items": { "$ref": "#/components/schemas/Operation" }
              },
              {
                "title": "object",
                "type": "object",
                "allOf": [{ "$ref": "#/components/schemas/WriteEnvelope" }],
                "properties": {
                  "operations": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 10000,
                    "items": { "$ref": "#/components/schemas/Operation" }
                  }
                },
                "required": ["operations"],
                "unevaluatedProperties": false
              }
            ]
          },
          "ObjectType": {
            "type": "object",
            "properties": {
              "name": { "$ref": "#/components/schemas/ObjectTypeName" },
              "description": { "type": ["string", "null"] }
            },
            "required": ["name", "description"]
          },
          "ObjectTypeList": {
            "type": "object",
            "properties": {
              "objectTypes": {
                "type": "array",
                "items": { "$ref": "#/components/schemas/ObjectType" }
              }
            },
            "required": ["objectTypes"]
          },
          "RelationshipType": {
            "description": "A registered relationship type, with the SPEC §2 field names. `customObjectType` for `person_to_co`; `parentCustomObjectType` and `childCustomObjectType` for `co_to_co`.",
            "type": "object",
            "properties": {
              "relationshipTypeId": { "$ref": "#/components/schemas/RelationshipTypeId" },
              "kind": { "$ref": "#/components/schemas/RelationshipKind" },
              "role": { "type": "string" },
              "customObjectType": { "type": "string" },
              "parentCustomObjectType": { "type": "string" },
              "childCustomObjectType": { "type": "string" },
              "cardinality": {
                "anyOf": [{ "$ref": "#/components/schemas/Cardinality" }, { "type": "null" }]
              },
              "description": { "type": ["string", "null"] },
              "bidirectional": { "type": "boolean" }
            },
            "required": ["relationshipTypeId", "kind", "role", "cardinality", "description", "bidirectional"],
            "oneOf": [
              {
                "title": "person_to_co",
                "properties": { "kind": { "const": "person_to_co" } },
                "required": ["customObjectType"]
              },
              {
                "title": "co_to_co",
                "properties": { "kind": { "const": "co_to_co" } },
                "required": ["parentCustomObjectType", "childCustomObjectType"]
              }
            ]
          },
          "RelationshipTypeCatalog": {
            "type": "object",
            "properties": {
              "personToCo": {
                "type": "array",
                "items": { "$ref": "#/components/schemas/RelationshipType" }
              },
              "coToCo": {
                "type": "array",
                "items": { "$ref": "#/components/schemas/RelationshipType" }
              }
            },
            "required": ["personToCo", "coToCo"]
          },
          "AppendedSeq": {
            "description": "The seq of the event the operation appended; null when it appended nothing.",
            "type": ["integer", "null"],
            "format": "int64",
            "minimum": 1
          },
          "LinkKey": {
            "description": "One link's identity.",
            "type": "object",
            "properties": {
              "relationshipTypeId": { "$ref": "#/components/schemas/RelationshipTypeId" },
              "from": { "$ref": "#/components/schemas/Record" },
              "to": { "$ref": "#/components/schemas/Record" }
            },
            "required": ["relationshipTypeId", "from", "to"]
          },
          "ObjectTypeResult": {
            "description": "The answer to `defineObjectType`: the type as it now is.",
            "type": "object",
            "allOf": [{ "$ref": "#/components/schemas/ObjectType" }],
            "properties": {
              "op": { "const": "defineObjectType" },
              "created": { "type": "boolean", "description": "True when the name was new." },
              "seq": { "$ref": "#/components/schemas/AppendedSeq" }
            },
            "required": ["op", "created", "seq"]
          },
          "RelationshipTypeResult": {
            "description": "The answer to `registerRelationshipType`: the type as it now is.",
            "type": "object",
            "allOf": [{ "$ref": "#/components/schemas/RelationshipType" }],
            "properties": {
              "op": { "const": "registerRelationshipType" },
              "created": { "type": "boolean", "description": "True when the key was new." },
              "seq": { "$ref": "#/components/schemas/AppendedSeq" }
            },
            "required": ["op", "created", "seq"]
          },
          "LinkResult": {
            "description": "The answer to `link`.",
            "type": "object",
            "allOf": [{ "$ref": "#/components/schemas/LinkKey" }],
            "properties": {
              "op": { "const": "link" },
              "created": { "type": "boolean", "description": "True when the link is new; false when it existed (its attributes merged or unchanged)." },
              "seq": { "$ref": "#/components/schemas/AppendedSeq" }
            },
            "required": ["op", "created", "seq"]
          },
          "SetAttributesResult": {
            "description": "The answer to `setAttributes`.",
            "type": "object",
            "allOf": [{ "$ref": "#/components/schemas/LinkKey" }],
            "properties": {
              "op": { "const": "setAttributes" },
              "changed": { "type": "boolean", "description": "False when the attributes already were as asked." },
              "seq": { "$ref": "#/components/schemas/AppendedSeq" }
            },
            "required": ["op", "changed", "seq"]
          },
          "UnlinkResult": {
            "description": "The answer to `unlink`.",
            "type": "object",
            "allOf": [{ "$ref": "#/components/schemas/LinkKey" }],
            "properties": {
              "op": { "const": "unlink" },
              "seq": { "$ref": "#/components/schemas/AppendedSeq" }
            },
            "required": ["op", "seq"]
          },
          "OperationResult": {
            "description": "One operation's answer in a batch, its kind in `op`.",
            "type": "object",
            "oneOf": [
              { "$ref": "#/components/schemas/ObjectTypeResult" },
              { "$ref": "#/components/schemas/RelationshipTypeResult" },
              { "$ref": "#/components/schemas/LinkResult" },
              { "$ref": "#/components/schemas/SetAttributesResult" },
              { "$ref": "#/components/schemas/UnlinkResult" }
            ],
            "discriminator": {
              "propertyName": "op",
              "mapping": {
                "defineObjectType": "#/components/schemas/ObjectTypeResult",
                "registerRelationshipType": "#/components/schemas/RelationshipTypeResult",
                "link": "#/components/schemas/LinkResult",
                "setAttributes": "#/components/schemas/SetAttributesResult",
                "unlink": "#/components/schemas/UnlinkResult"
              }
            }
          },
          "BatchResult": {
            "type": "object",
            "properties": {
              "firstSeq": {
                "description": "The seq of the commit's first event; null when the commit appended nothing.",
                "type": ["integer", "null"],
                "format": "int64"
              },
              "lastSeq": {
                "description": "The seq of the commit's last event; null when the commit appended nothing.",
                "type": ["integer", "null"],
                "format": "int64"
              },
              "results": {
                "description": "Each operation's answer, in order.",
                "type": "array",
                "items": { "$ref": "#/components/schemas/OperationResult" }
              }
            },
            "required": ["firstSeq", "lastSeq", "results"]
          },
          "LinkView": {
            "description": "One link as a record sees it.",
            "type": "object",
            "properties": {
              "relationshipTypeId": { "$ref": "#/components/schemas/RelationshipTypeId" },
              "kind": { "$ref": "#/components/schemas/RelationshipKind" },
              "role": { "type": "string" },
              "direction": {
                "description": "`forward` when the record is the link's `from`; `inverse` when it is the `to` of a bidirectional type.",
                "type": "string",
                "enum": ["forward", "inverse"]
              },
              "from": { "$ref": "#/components/schemas/Record" },
              "to": { "$ref": "#/components/schemas/Record" },
              "attributes": { "$ref": "#/components/schemas/Attributes" },
              "linkedSeq": { "description": "When this life of the link began.", "$ref": "#/components/schemas/Seq" },
              "linkedAt": { "$ref": "#/components/schemas/Timestamp" },
              "versionSeq": { "description": "When its current attributes began.", "$ref": "#/components/schemas/Seq" },
              "versionAt": { "$ref": "#/components/schemas/Timestamp" }
            },
            "required": ["relationshipTypeId", "kind", "role", "direction", "from", "to", "attributes", "linkedSeq", "linkedAt", "versionSeq", "versionAt"]
          },
          "RecordRelationships": {
            "description": "A record's relationships at one seq.",
            "type": "object",
            "properties": {
              "record": { "$ref": "#/components/schemas/Record" },
              "asOfSeq": {
                "description": "The seq whose state this is: the last whole commit at or before the as-of point (0: before the first commit).",
                "type": "integer",
                "format": "int64",
                "minimum": 0
              },
              "asOfTime": {
                "description": "The time of that commit; null at seq 0.",
                "anyOf": [{ "$ref": "#/components/schemas/Timestamp" }, { "type": "null" }]
              },
              "relationships": {
                "type": "array",
                "items": { "$ref": "#/components/schemas/LinkView" }
              }
            },
            "required": ["record", "asOfSeq", "asOfTime", "relationships"]
          },
          "HistoryEntry": {
            "description": "One event with its commit's metadata.",
            "type": "object",
            "properties": {
              "seq": { "$ref": "#/components/schemas/Seq" },
              "commitSeq": { "description": "The seq of the first event of the commit that holds this event.", "$ref": "#/components/schemas/Seq" },
              "at": { "$ref": "#/components/schemas/Timestamp" },
              "actor": { "description": "Who committed it (over HTTP: the key's name).", "type": "string" },
              "reason": { "type": ["string", "null"] },
              "event": { "$ref": "#/components/schemas/Event" }
            },
            "required": ["seq", "commitSeq", "at", "actor", "reason", "event"]
          },
          "HistoryPage": {
            "description": "A page of a record's audit trail, newest first.",
            "type": "object",
            "properties": {
              "record": { "$ref": "#/components/schemas/Record" },
              "entries": {
                "type": "array",
                "items": { "$ref": "#/components/schemas/HistoryEntry" }
              },
              "next": {
                "description": "The cursor of the next (older) page, to pass as `after`; null on the last page.",
                "type": ["string", "null"]
              }
            },
            "required": ["record", "entries", "next"]
          },
          "LinkVersion": {
            "description": "One version of a link: its attributes over `[fromSeq, toSeq)`.",
            "type": "object",
            "properties": {
              "attributes": { "$ref": "#/components/schemas/Attributes" },
              "linkedSeq": { "description": "When this life of the link began (a relink starts a new one).", "$ref": "#/components/schemas/Seq" },
              "fromSeq": { "$ref": "#/components/schemas/Seq" },
              "fromAt": { "$ref": "#/components/schemas/Timestamp" },
              "toSeq": {
                "description": "The seq that ended this version (an attribute change or an unlink); null while it is current.",
                "type": ["integer", "null"],
                "format": "int64"
              },
              "toAt": {
                "anyOf": [{ "$ref": "#/components/schemas/Timestamp" }, { "type": "null" }]
              }
            },
            "required": ["attributes", "linkedSeq", "fromSeq", "fromAt", "toSeq", "toAt"]
          },
          "LinkVersions": {
            "description": "Every version of one link, oldest first.",
            "type": "object",
            "allOf": [{ "$ref": "#/components/schemas/LinkKey" }],
            "properties": {
              "versions": {
                "type": "array",
                "items": { "$ref": "#/components/schemas/LinkVersion" }
              }
            },
            "required": ["versions"]
          },
          "EventsPage": {
            "description": "A page of the change feed, oldest first.",
            "type": "object",
            "properties": {
              "events": {
                "type": "array",
                "items": { "$ref": "#/components/schemas/HistoryEntry" }
              },
              "next": {
                "description": "The seq to pass as `after` for the next page, as a decimal string: the last event's seq, or `after` itself when the page is empty.",
                "type": "string",
                "pattern": "^[0-9]+$"
              },
              "headSeq": {
                "description": "The head of the log when the page was read.",
                "type": "integer",
                "format": "int64",
                "minimum": 0
              }
            },
            "required": ["events", "next", "headSeq"]
          },
          "Event": {
            "description": "One event of the log (SPEC §2), as stored: its `seq` and its kind in `type`. Optional fields are left out, not null.",
            "type": "object",
            "oneOf": [
              { "$ref": "#/components/schemas/ObjectTypeDefinedEvent" },
              { "$ref": "#/components/schemas/RelationshipTypeRegisteredEvent" },
              { "$ref": "#/components/schemas/RelationshipTypeUpdatedEvent" },
              { "$ref": "#/components/schemas/RelationshipLinkedEvent" },
              { "$ref": "#/components/schemas/RelationshipUnlinkedEvent" },
              { "$ref": "#/components/schemas/RelationshipAttributesChangedEvent" }
            ],
            "discriminator": {
              "propertyName": "type",
              "mapping": {
                "objectType.defined": "#/components/schemas/ObjectTypeDefinedEvent",
                "relationshipType.registered": "#/components/schemas/RelationshipTypeRegisteredEvent",
                "relationshipType.updated": "#/components/schemas/RelationshipTypeUpdatedEvent",
                "relationship.linked": "#/components/schemas/RelationshipLinkedEvent",
                "relationship.unlinked": "#/components/schemas/RelationshipUnlinkedEvent",
                "relationship.attributesChanged": "#/components/schemas/RelationshipAttributesChangedEvent"
              }
            }
          },
          "ObjectTypeDefinedEvent": {
            "description": "An object type was defined, or its description replaced.",
            "type": "object",
            "properties": {
              "seq": { "$ref": "#/components/schemas/Seq" },
              "type": { "const": "objectType.defined" },
              "name": { "type": "string" },
              "description": { "type": "string" }
            },
            "required": ["seq", "type", "name"],
            "additionalProperties": false
          },
          "RelationshipTypeRegisteredEvent": {
            "description": "A relationship type was registered.",
            "type": "object",
            "properties": {
              "seq": { "$ref": "#/components/schemas/Seq" },
              "type": { "const": "relationshipType.registered" },
              "relationshipTypeId": { "$ref": "#/components/schemas/RelationshipTypeId" },
              "kind": { "$ref": "#/components/schemas/RelationshipKind" },
              "role": { "type": "string" },
              "customObjectType": { "type": "string" },
              "parentCustomObjectType": { "type": "string" },
              "childCustomObjectType": { "type": "string" },
              "cardinality": { "$ref": "#/components/schemas/Cardinality" },
              "description": { "type": "string" },
              "bidirectional": { "type": "boolean" }
            },
            "required": ["seq", "type", "relationshipTypeId", "kind", "role", "bidirectional"],
            "additionalProperties": false
          },
          "RelationshipTypeUpdatedEvent": {
            "description": "A re-registration changed a relationship type; only the changed fields are present.",
            "type": "object",
            "properties": {
              "seq": { "$ref": "#/components/schemas/Seq" },
              "type": { "const": "relationshipType.updated" },
              "relationshipTypeId": { "$ref": "#/components/schemas/RelationshipTypeId" },
              "cardinality": { "$ref": "#/components/schemas/Cardinality" },
              "description": { "type": "string" },
              "bidirectional": { "type": "boolean" }
            },
            "required": ["seq", "type", "relationshipTypeId"],
            "additionalProperties": false
          },
          "RelationshipLinkedEvent": {
            "description": "A link was created.",
            "type": "object",
            "properties": {
              "seq": { "$ref": "#/components/schemas/Seq" },
              "type": { "const": "relationship.linked" },
              "relationshipTypeId": { "$ref": "#/components/schemas/RelationshipTypeId" },
              "from": { "$ref": "#/components/schemas/Record" },
              "to": { "$ref": "#/components/schemas/Record" },
              "attributes": { "$ref": "#/components/schemas/Attributes" }
            },
            "required": ["seq", "type", "relationshipTypeId", "from", "to", "attributes"],
            "additionalProperties": false
          },
          "RelationshipUnlinkedEvent": {
            "description": "A link was removed.",
            "type": "object",
            "properties": {
              "seq": { "$ref": "#/components/schemas/Seq" },
              "type": { "const": "relationship.unlinked" },
              "relationshipTypeId": { "$ref": "#/components/schemas/RelationshipTypeId" },
              "from": { "$ref": "#/components/schemas/Record" },
              "to": { "$ref": "#/components/schemas/Record" }
            },
            "required": ["seq", "type", "relationshipTypeId", "from", "to"],
            "additionalProperties": false
          },
          "RelationshipAttributesChangedEvent": {
            "description": "A link's attributes changed: `set` were added or replaced, `unset` removed.",
            "type": "object",
            "properties": {
              "seq": { "$ref": "#/components/schemas/Seq" },
              "type": { "const": "relationship.attributesChanged" },
              "relationshipTypeId": { "$ref": "#/components/schemas/RelationshipTypeId" },
              "from": { "$ref": "#/components/schemas/Record" },
              "to": { "$ref": "#/components/schemas/Record" },
              "set": { "$ref": "#/components/schemas/Attributes" },
              "unset": {
                "type": "array",
                "items": { "type": "string" }
              }
            },
            "required": ["seq", "type", "relationshipTypeId", "from", "to", "set", "unset"],
            "additionalProperties": false
          },
          "Health": {
            "type": "object",
            "properties": {
              "status": { "const": "ok" },
              "headSeq": {
                "description": "The last durable seq (0 for an empty ledger).",
                "type": "integer",
                "format": "int64",
                "minimum": 0
              }
            },
            "required": ["status", "headSeq"]
          },
          "Problem": {
            "description": "An RFC 9457 problem detail. `code` is stable; `type` is `https://ties.dev/problems/` + `code`; `title` is the status's reason phrase. The other fields are present when they apply.",
            "type": "object",
            "properties": {
              "type": { "type": "string", "format": "uri", "examples": ["https://ties.dev/problems/unknown_object_type"] },
              "title": { "type": "string", "examples": ["Not Found"] },
              "status": { "type": "integer", "minimum": 400, "maximum": 599 },
              "detail": { "type": "string", "description": "A human explanation. It never contains attribute values." },
              "code": { "$ref": "#/components/schemas/ProblemCode" },
              "field": { "type": "string", "description": "The field, header or query parameter at fault (`invalid_field`, `invalid_cardinality`, `unknown_object_type`)." },
              "index": { "type": "integer", "minimum": 0, "description": "The 0-based position of the rejected operation in its commit." },
              "name": { "type": "string", "description": "`unknown_object_type`: the unknown name." },
              "suggestions": {
                "type": "array",
                "items": { "type": "string" },
                "description": "`unknown_object_type`: close existing names (edit distance, case-insensitive), maybe none."
              },
              "cardinality": { "$ref": "#/components/schemas/Cardinality" },
              "existing": {
                "description": "`cardinality_violation`: the existing link that the write would break the cardinality with.",
                "$ref": "#/components/schemas/LinkKey"
              },
              "relationship": {
                "description": "`relationship_not_found`: the link that does not exist.",
                "$ref": "#/components/schemas/LinkKey"
              },
              "relationshipTypeId": {
                "description": "`unknown_relationship_type`: the unknown ID.",
                "type": "string"
              },
              "relationshipType": {
                "description": "`unknown_relationship_type`: the unknown key, as `role/objecttype` or `role/parent/child`.",
                "type": "string"
              },
              "headSeq": {
                "description": "`sequence_conflict`: the actual head.",
                "type": "integer",
                "format": "int64"
              },
              "expectedHeadSeq": {
                "description": "`sequence_conflict`: the head the request expected.",
                "type": "integer",
                "format": "int64"
              },
              "idempotencyKey": {
                "description": "`idempotency_key_reused`: the key.",
                "type": "string"
              }
            },
            "required": ["type", "title", "status", "detail", "code"]
          },
          "ProblemCode": {
            "description": "Rejections by the ledger's rules or input validation: `invalid_field`, `invalid_json`, `invalid_cardinality` (400); `unknown_object_type`, `unknown_relationship_type`, `relationship_not_found` (404); `cardinality_violation`, `sequence_conflict` (409); `payload_too_large` (413); `idempotency_key_reused` (422). Access: `unauthorized` (401), `forbidden` (403). Routing: `not_found` (404), `method_not_allowed` (405). Availability: `ledger_busy`, `service_unavailable` (503). Storage failures (500): `ledger_damaged`, `io_error`, `ledger_read_only`, `ledger_not_found`, `ledger_exists`. HTTP transport: `bad_request` (400), `request_timeout` (408), `uri_too_long` (414), `header_fields_too_large` (431), `not_implemented` (501), `http_version_not_supported` (505).",
            "type": "string",
            "enum": [
              "invalid_field",
              "invalid_json",
              "invalid_cardinality",
              "unknown_object_type",
              "unknown_relationship_type",
              "relationship_not_found",
              "cardinality_violation",
              "sequence_conflict",
              "payload_too_large",
              "idempotency_key_reused",
              "unauthorized",
              "forbidden",
              "not_found",
              "method_not_allowed",
              "ledger_busy",
              "service_unavailable",
              "ledger_damaged",
              "io_error",
              "ledger_read_only",
              "ledger_not_found",
              "ledger_exists",
              "bad_request",
              "request_timeout",
              "uri_too_long",
              "header_fields_too_large",
              "not_implemented",
              "http_version_not_supported"
            ]
          }
        }
      }
    }
    """#
}
