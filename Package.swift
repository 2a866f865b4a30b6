// swift-tools-version:6.0
import PackageDescription

// No package dependencies: Foundation and the system libraries libyaml and libcurl
// (ARCHITECTURE.md), and for the simulator's https the OpenSSL that libcurl is built on.
let package = Package(
    name: "telform",
    products: [
        .executable(name: "telform", targets: ["telform"]),
        .executable(name: "telform-bench", targets: ["telform-bench"]),
    ],
    targets: [
        .systemLibrary(
            name: "CYaml",
            providers: [.apt(["libyaml-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // OpenSSL's libssl (which libcurl already brings at run time): the simulator's https,
        // `telform sim serve --tls-cert/--tls-key`.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        // libyaml's events as Swift values: the core's one door to a C library.
        .target(name: "TelformYAML", dependencies: ["CYaml"]),
        .target(name: "TelformCore", dependencies: ["TelformYAML"]),
        // The one HTTP transport: libcurl for http:// and https:// alike.
        .target(name: "TelformHTTP", dependencies: ["CCurl", "TelformCore"]),
        .target(name: "TelformPlatforms", dependencies: ["TelformCore"]),
        .target(name: "TelformSimulator", dependencies: ["COpenSSL", "TelformCore"]),
        .executableTarget(
            name: "telform",
            dependencies: ["TelformCore", "TelformHTTP", "TelformPlatforms", "TelformSimulator"]
        ),
        // The benchmark (docs/performance.md): runs the built telform against its floors.
        .executableTarget(name: "telform-bench", dependencies: ["CYaml"], path: "Benchmarks"),
        .testTarget(name: "TelformCoreTests", dependencies: ["TelformCore"]),
        .testTarget(name: "TelformHTTPTests", dependencies: ["TelformCore", "TelformHTTP"]),
        .testTarget(name: "TelformPlatformsTests", dependencies: ["TelformCore", "TelformPlatforms", "TelformSimulator"]),
        .testTarget(name: "TelformSimulatorTests", dependencies: ["TelformCore", "TelformSimulator"]),
        .testTarget(name: "EndToEndTests", dependencies: ["telform"], exclude: ["schema_check.py", "golden"]),
    ],
    swiftLanguageModes: [.v6]
)
