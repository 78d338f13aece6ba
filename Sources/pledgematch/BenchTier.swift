import ArgumentParser
import PledgeTooling

/// The sizes `bench match` generates: one district (the default every earlier figure was measured
/// on), a province or the national IP office, and a small one that CI runs in seconds.
enum BenchTier: String, ExpressibleByArgument, CaseIterable, Sendable {
    case small, district, national

    var firms: Int {
        switch self {
        case .small: 2_000
        case .district: 100_000
        case .national: 500_000
        }
    }

    var assets: Int { firms * 10 }

    var shape: BenchData.Shape { self == .national ? .national : .district }

    /// Loans for the reports measured in the same run; the district tier leaves them to `bench report`.
    var loans: Int {
        switch self {
        case .small: 2_000
        case .district: 0
        case .national: 1_000_000
        }
    }

    /// Each tier in its own database, so measuring one never regenerates another.
    var databaseName: String {
        switch self {
        case .small: "pledgematch_bench_small"
        case .district: "pledgematch_bench"
        case .national: "pledgematch_bench_national"
        }
    }

    /// How many times the plain-SQL top 50 is run: it reads every asset each time.
    var referenceSamples: Int { self == .national ? 3 : 10 }
}
