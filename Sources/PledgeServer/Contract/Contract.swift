import Foundation
import PledgeCore
import Yams

/// The operations of openapi.yaml as the server checks requests against them: each operation's
/// path and query parameters and its JSON body schema. Read once from the copy of the contract
/// compiled into the binary, so the rule the server enforces is the file clients read.
struct Contract: Sendable {
    struct Parameter: Sendable {
        let name: String
        let inPath: Bool
        let required: Bool
        let schema: Schema
    }

    struct Operation: Sendable {
        let id: String
        let parameters: [Parameter]
        let body: Schema?
        let bodyRequired: Bool
        let contentTypes: [String]
        /// Header parameters the operation requires, lower-cased (`if-match`).
        var requiredHeaders: Set<String> = []
    }

    let operations: [String: Operation]

    static let shared: Contract = {
        let text = String(decoding: PackageResources.openapi_yaml, as: UTF8.self)
        guard let root = (try? Yams.load(yaml: text)) as? [String: Any] else { return Contract(operations: [:]) }
        return Contract(root: root)
    }()

    init(operations: [String: Operation]) { self.operations = operations }

    init(root: [String: Any]) {
        let components = root["components"] as? [String: Any] ?? [:]
        let table = SchemaTable(source: components["schemas"] as? [String: Any] ?? [:])
        let sharedParameters = components["parameters"] as? [String: Any] ?? [:]
        var operations: [String: Operation] = [:]
        for (_, item) in (root["paths"] as? [String: Any]) ?? [:] {
            guard let item = item as? [String: Any] else { continue }
            let common = item["parameters"] as? [Any] ?? []
            for method in ["get", "put", "post", "delete", "patch"] {
                guard let op = item[method] as? [String: Any] else { continue }
                let parameters = (common + (op["parameters"] as? [Any] ?? [])).compactMap {
                    Self.parameter($0, shared: sharedParameters, table: table)
                }
                let request = op["requestBody"] as? [String: Any]
                let content = request?["content"] as? [String: Any] ?? [:]
                let json = (content["application/json"] as? [String: Any])?["schema"]
                guard let id = op["operationId"] as? String else { continue }
                operations[id] = Operation(id: id, parameters: parameters, body: json.map { Schema.build($0, refs: table) },
                                           bodyRequired: request?["required"] as? Bool ?? false,
                                           contentTypes: content.keys.sorted(),
                                           requiredHeaders: Self.requiredHeaders(common + (op["parameters"] as? [Any] ?? []),
                                                                                 shared: sharedParameters))
            }
        }
        self.operations = operations
    }

    private static func requiredHeaders(_ nodes: [Any], shared: [String: Any]) -> Set<String> {
        Set(nodes.compactMap { node -> String? in
            guard var map = node as? [String: Any] else { return nil }
            if let ref = map["$ref"] as? String, let target = shared[String(ref.split(separator: "/").last ?? "")] as? [String: Any] {
                map = target
            }
            guard map["in"] as? String == "header", map["required"] as? Bool == true, let name = map["name"] as? String else { return nil }
            return name.lowercased()
        })
    }

    private static func parameter(_ node: Any, shared: [String: Any], table: SchemaTable) -> Parameter? {
        guard var map = node as? [String: Any] else { return nil }
        if let ref = map["$ref"] as? String, let target = shared[String(ref.split(separator: "/").last ?? "")] as? [String: Any] {
            map = target
        }
        guard let name = map["name"] as? String, let location = map["in"] as? String, location == "path" || location == "query" else {
            return nil
        }
        return Parameter(name: name, inPath: location == "path", required: map["required"] as? Bool ?? false,
                         schema: Schema.build(map["schema"], refs: table))
    }
}
