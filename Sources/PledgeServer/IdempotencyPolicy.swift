import HTTPTypes

/// Whether a write takes an `Idempotency-Key`, decided per operation from what a duplicate would do
/// (the IETF Idempotency-Key draft lets a resource require the header). openapi.yaml says the same of
/// each operation (the IdempotencyKey parameter, IdempotencyKeyOptional, or none); a test holds the two equal.
enum IdempotencyPolicy: String, Sendable, CaseIterable {
    /// A duplicate would move money or make a record twice: refused with 400 without a key.
    case required
    /// A duplicate is refused anyway (a unique rule or If-Match), so a retry is harmless; a key, when
    /// sent, is honoured all the same: a replay gets the first response byte for byte.
    case optional
    /// Nothing is written (what-if, login), the answer is never kept (a new token's secret), or If-Match
    /// guards the change (PUT, DELETE): no key is read, and one sent is ignored.
    case absent

    /// Every write operation of openapi.yaml, by method and path template.
    static let table: [String: IdempotencyPolicy] = [
        // Money moves or a record would be made twice.
        "POST /applications": .required,
        "POST /applications/{applicationId}/disbursement": .required,
        "POST /loans/{loanId}/entries": .required,
        "POST /loans/{loanId}/renewals": .required,
        "POST /firms/{firmId}/consents": .required,  // nothing unique: a retry would record the consent twice
        // A second one is refused: credit code, (type, number), (appraiser, report number), bank code and
        // name, product code, target name, (mark, licence number) and login are unique; a move needs If-Match.
        "POST /firms": .optional,
        "POST /assets": .optional,
        "POST /valuations": .optional,
        "POST /banks": .optional,
        "POST /products": .optional,
        "POST /targets": .optional,
        "POST /licences": .optional,
        "POST /users": .optional,
        "POST /applications/{applicationId}/transitions": .optional,
        // An import matches rows on natural keys: the same file twice changes nothing (the second job
        // reports so); a key returns the first job again.
        "POST /imports": .optional,
        // Nothing written, or nothing that could be replayed.
        "POST /firms/{firmId}/what-if": .absent,
        "POST /auth/login": .absent,
        "POST /tokens": .absent,
        // If-Match guards a change; repeating an archive, a revocation or a sign-out changes nothing more.
        "PUT /firms/{firmId}": .absent, "DELETE /firms/{firmId}": .absent,
        "PUT /assets/{assetId}": .absent, "DELETE /assets/{assetId}": .absent,
        "PUT /valuations/{valuationId}": .absent, "DELETE /valuations/{valuationId}": .absent,
        "PUT /banks/{bankId}": .absent, "DELETE /banks/{bankId}": .absent,
        "PUT /products/{productId}": .absent, "DELETE /products/{productId}": .absent,
        "PUT /targets/{targetId}": .absent, "DELETE /targets/{targetId}": .absent,
        "DELETE /licences/{licenceId}": .absent,
        "DELETE /auth/session": .absent,
        "DELETE /users/{userId}": .absent,
        "DELETE /tokens/{tokenId}": .absent,
        "DELETE /firms/{firmId}/consents/{consentId}": .absent,
    ]

    private static let templates: [(method: String, segments: [Substring], policy: IdempotencyPolicy)] =
        table.map { key, policy in
            let parts = key.split(separator: " ", maxSplits: 1)
            return (String(parts[0]), parts[1].split(separator: "/"), policy)
        }

    /// The policy of the operation a request reaches. A path outside the table is an unknown route
    /// (the router answers 404); a POST there is treated as `required`, the safe side.
    static func of(method: HTTPRequest.Method, path: String) -> IdempotencyPolicy {
        let segments = path.split(separator: "/")
        for t in templates where t.method == method.rawValue && t.segments.count == segments.count {
            if zip(t.segments, segments).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) { return t.policy }
        }
        return method == .post ? .required : .absent
    }
}
