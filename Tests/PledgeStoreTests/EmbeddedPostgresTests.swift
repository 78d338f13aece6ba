import Foundation
import Testing
@testable import PledgeStore
@testable import PledgeTooling

@Suite("Embedded cluster folder")
struct EmbeddedPostgresTests {
    /// A --data-dir whose parents do not exist yet (the default `.pledgematch/pg` on a fresh clone):
    /// the parents stay enterable, the cluster folder is closed, and the server's account can write it.
    @Test func parentsMadeOnTheWayStayOpen() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pm-dir-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dataDirectory = root + "/project/.pledgematch/pg"
        try EmbeddedPostgres(dataDirectory: dataDirectory).prepareDirectory()
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        #expect(try mode(root + "/project/.pledgematch") & 0o001 != 0, "others can enter the parent")
        #expect(try mode(dataDirectory) == 0o700)
    }
}
