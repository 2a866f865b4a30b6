#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Shell-style globs for `include:`, relative to a folder; results sorted, relative paths.
enum FileGlob {
    static func expand(_ pattern: String, in directory: String) -> [String] {
        let absolute = pattern.hasPrefix("/") ? pattern : directory + "/" + pattern
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(absolute, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            guard let pointer = result.gl_pathv[index] else { continue }
            let path = String(cString: pointer)
            paths.append(pattern.hasPrefix("/") ? path : String(path.dropFirst(directory.count + 1)))
        }
        return paths.sorted()
    }
}
