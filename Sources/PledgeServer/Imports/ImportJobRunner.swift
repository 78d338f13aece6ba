import Foundation
import Logging
import PledgeCore
import PledgeImport
import PledgeImportStore
import PledgeStore
import PostgresNIO
import ServiceLifecycle

/// Runs the jobs POST /imports accepts, one at a time per service instance, outside any request:
/// its own task (no request's connection or caller is inherited), its own leased connection
/// (waiting at most the lease timeout for it), and the same `ImportService.run` the CLI calls. While
/// a job runs, a second short lease every second writes its progress, which is also the heartbeat by
/// which another instance sees that the job is alive; a job whose heartbeat stopped (a crash) is
/// claimed again, and since an import is idempotent, running it again changes nothing more.
actor ImportJobRunner {
    let client: PostgresClient
    let logger: Logger
    let leaseTimeout: Duration
    /// A job whose heartbeat is older than this is taken to have lost its worker.
    static let staleAfterSeconds = 120
    /// A job tried this often without finishing (it killed its worker each time) is failed.
    static let maxAttempts = 3
    /// The load's own statement limit: the request pool's 30 s is a request's patience, not a load's.
    static let statementTimeout = "30min"

    private var worker: Task<Void, Never>?
    private var wanted = false
    private var stopped = false

    init(client: PostgresClient, logger: Logger, leaseTimeout: Duration = Database.defaultLeaseTimeout) {
        self.client = client
        self.logger = logger
        self.leaseTimeout = leaseTimeout
    }

    var executor: ImportJobExecutor { ImportJobExecutor(client: client, logger: logger, leaseTimeout: leaseTimeout) }

    /// Something may be waiting: start the worker if it is idle. Cheap; called after every accepted
    /// upload and by the service's periodic poll.
    func kick() {
        guard !stopped else { return }
        wanted = true
        if worker == nil {
            // Detached: the worker inherits nothing of the request that kicked it (its connection, its caller).
            worker = Task.detached(priority: .utility) { [self] in await self.drain() }
        }
    }

    /// Stops taking jobs; a job running is cancelled (its transaction rolls back) and given back.
    func stop() async {
        stopped = true
        let running = worker
        running?.cancel()
        await running?.value
    }

    /// Waits until no job is being run (tests).
    func idle() async {
        while let running = worker { await running.value; if worker == nil { return } }
    }

    private func drain() async {
        let executor = self.executor
        while !Task.isCancelled {
            wanted = false
            let job: ClaimedImportJob?
            do {
                job = try await executor.claim()
            } catch {
                logger.error("Could not claim an import job", metadata: LoggedError.metadata(error))
                break
            }
            if let job {
                await executor.run(job)
                continue
            }
            if !wanted { break }
        }
        worker = nil
    }
}

/// Claims and runs one job; holds no state of its own.
struct ImportJobExecutor: Sendable {
    let client: PostgresClient
    let logger: Logger
    let leaseTimeout: Duration
    static var staleAfterSeconds: Int { ImportJobRunner.staleAfterSeconds }
    static var maxAttempts: Int { ImportJobRunner.maxAttempts }
    static var statementTimeout: String { ImportJobRunner.statementTimeout }

    var store: ImportJobStore { ImportJobStore(client: client, logger: logger) }

    func claim() async throws -> ClaimedImportJob? {
        let store = self.store
        return try await leased { try await store.claim(staleAfterSeconds: Self.staleAfterSeconds) }
    }

    func run(_ job: ClaimedImportJob) async {
        var metadata: Logger.Metadata = ["import": "\(job.id)", "kind": "\(job.kind.rawValue)"]
        if let request = job.requestId { metadata["request"] = "\(request)" }
        logger.info("Import job started", metadata: metadata)
        if job.attempts > Self.maxAttempts { return await abandon(job) }
        let progress = ProgressBox()
        let beat = heartbeat(job, progress)
        defer { beat.cancel() }
        do {
            let outcome = try await load(job, progress)
            metadata["rows"] = "\(outcome.rows)"
            metadata["inserted"] = "\(outcome.inserted)"
            metadata["updated"] = "\(outcome.updated)"
            logger.info("Import job finished", metadata: metadata)
        } catch where Task.isCancelled {
            // Shutdown: the load's transaction rolled back; the next worker takes the job again.
            let store = self.store
            try? await Database(client, leaseTimeout: leaseTimeout).withRequestConnection { try await store.requeue(id: job.id) }
        } catch {
            await fail(job, error)
        }
    }

    /// Reads the file, runs the import and records its outcome (and the file of rejected rows).
    private func load(_ job: ClaimedImportJob, _ progress: ProgressBox) async throws -> ImportOutcome {
        let (store, logger, client) = (self.store, self.logger, self.client)
        let read = try await OffThePool.run { try SourceFile.read(data: Data(job.file), name: job.fileName, format: job.format, sheet: job.sheet) }
        let options = ImportOptions(dryRun: job.dryRun, skipInvalid: job.skipInvalid, actor: job.actor, requestId: job.requestId,
                                    today: BusinessCalendar.today(), settings: ["statement_timeout": Self.statementTimeout])
        let outcome = try await leased {
            try await ImportService(client: client, logger: logger).run(job.kind, table: read.table, options: options) { phase, done, total in
                progress.set(Self.phase(phase), done, total)
            }
        }
        let rejects = outcome.rejected.isEmpty ? nil
            : try RejectsFile.data(header: outcome.header, rejected: outcome.rejected, issues: outcome.issues, format: read.format)
        try await leased {
            try await store.finish(id: job.id, outcome: outcome, skipInvalid: job.skipInvalid, encoding: read.encoding?.rawValue,
                                   rejects: rejects, logger: logger)
        }
        return outcome
    }

    /// Every second, on a short lease of its own, writes the load's progress: the job's sign of life.
    private func heartbeat(_ job: ClaimedImportJob, _ progress: ProgressBox) -> Task<Void, Never> {
        let store = self.store
        return Task.detached { [client, leaseTimeout] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                let (phase, done, total) = progress.current
                try? await Database(client, leaseTimeout: leaseTimeout).withRequestConnection {
                    try await store.heartbeat(id: job.id, phase: phase, done: done, total: total)
                }
            }
        }
    }

    private func abandon(_ job: ClaimedImportJob) async {
        let store = self.store
        try? await leased { try await store.fail(id: job.id, code: "job_abandoned",
            zh: "导入任务已尝试 \(Self.maxAttempts) 次仍未完成，已放弃；请检查文件后重新上传",
            en: "The import was tried \(Self.maxAttempts) times without finishing and has been given up; check the file and upload it again") }
    }

    private func fail(_ job: ClaimedImportJob, _ error: any Error) async {
        var failure = LoggedError.metadata(error)
        failure["import"] = "\(job.id)"
        logger.error("Import job failed", metadata: failure)
        let (code, zh, en) = Self.describe(error)
        let store = self.store
        try? await leased { try await store.fail(id: job.id, code: code, zh: zh, en: en) }
    }

    private func leased<R: Sendable>(_ body: @Sendable () async throws -> R) async throws -> R {
        try await Database(client, leaseTimeout: leaseTimeout).withRequestConnection(body)
    }

    static func phase(_ p: ImportPhase) -> String {
        switch p {
        case .checking: "checking"
        case .loading: "loading"
        case .merging: "merging"
        }
    }

    /// What a failed job tells its caller: never the error's text (it can carry data), its kind.
    static func describe(_ error: any Error) -> (String, String, String) {
        if DatabaseUnavailable.matches(LoggedError.root(error)) {
            return ("database_unavailable", "导入过程中数据库不可用，未写入任何数据；请重新上传",
                    "The database became unavailable during the import; nothing was written; upload the file again")
        }
        if let e = error as? XLSXReader.Failure { return ("unreadable_file", e.zh, e.en) }
        if let e = error as? TextEncoding.DecodingError { return ("unreadable_file", e.zh, e.en) }
        if let problem = StoreError.map(LoggedError.root(error)) as? StoreError {
            let p = ProblemMiddleware<AppRequestContext>.problem(for: problem)
            return (p.code, p.zh + "；未写入任何数据", p.en + "; nothing was written")
        }
        return ("internal_error", "导入失败，未写入任何数据；已记录，请联系管理员",
                "The import failed and wrote nothing; it has been logged; contact the administrator")
    }
}

/// The phase and rows of the running load, set by its progress callback, read by the heartbeat.
final class ProgressBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: (String, Int, Int) = ("checking", 0, 0)
    var current: (String, Int, Int) { lock.withLock { value } }
    func set(_ phase: String, _ done: Int, _ total: Int) { lock.withLock { value = (phase, done, total) } }
}

/// CPU-bound work (reading a workbook of many megabytes) on a thread of its own, so it never
/// occupies the few threads that serve requests.
enum OffThePool {
    static func run<R: Sendable>(_ work: @escaping @Sendable () throws -> R) async throws -> R {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}

/// Starts the runner with the application and stops it before the database clients stop. It also
/// polls every few seconds, for jobs another instance accepted, or one whose worker died.
struct ImportJobService: Service {
    let runner: ImportJobRunner

    func run() async throws {
        let runner = self.runner
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await runner.kick()
                try await Task.sleep(for: .seconds(5))
            }
        }
        await runner.stop()
    }
}
