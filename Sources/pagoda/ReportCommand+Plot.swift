import ArgumentParser
import Foundation

/// `pagoda report STATS.json --plot DIR`: runs tools/report-plot.py (matplotlib) on the
/// stats file and, when there is one, the `--stats-interval` series beside it, with
/// $PAGODA_PYTHON, else /usr/bin/python3, else the python3 on PATH.
extension ReportCommand {
    /// The plotting script: $PAGODA_REPORT_PLOT, else tools/report-plot.py in the first
    /// directory above the executable that has one (the repository a build lives in),
    /// else in the working directory.
    static func plotScript() -> String? {
        let fm = FileManager.default
        if let path = ProcessInfo.processInfo.environment["PAGODA_REPORT_PLOT"] {
            return fm.fileExists(atPath: path) ? path : nil
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("tools/report-plot.py").path
            if fm.fileExists(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        let local = fm.currentDirectoryPath + "/tools/report-plot.py"
        return fm.fileExists(atPath: local) ? local : nil
    }

    func drawPlots(into directory: String) throws {
        func fail(_ message: String) -> ExitCode {
            FileHandle.standardError.write("pagoda: --plot: \(message)\n".data(using: .utf8)!)
            return ExitCode(ExitStatus.unavailable)
        }
        guard let script = Self.plotScript() else { throw fail("tools/report-plot.py not found (set PAGODA_REPORT_PLOT)") }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw fail("cannot create \(directory)")
        }
        // The system's python3 first: that is where the distribution's matplotlib is
        // (tools/setup.sh installs python3-matplotlib), not in a python3 earlier on PATH.
        let python = ProcessInfo.processInfo.environment["PAGODA_PYTHON"]
            ?? (FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python ?? "/usr/bin/env")
        process.arguments = (python == nil ? ["python3"] : []) + [script, stats, directory]
        fflush(nil)  // the tables first, then the script's lines
        do {
            try process.run()
        } catch {
            throw fail("cannot run python3: \(error)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw fail("\(script) failed (status \(process.terminationStatus))")
        }
    }
}
