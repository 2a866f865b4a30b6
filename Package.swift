// swift-tools-version:6.0
import PackageDescription

// No package dependencies: Foundation and the system libyaml only (ARCHITECTURE.md).
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
        // libcurl, opened by the first HTTP request instead of at every start (curl_loader.c).
        .target(name: "CCurlLoader", exclude: ["link"]),
        .target(name: "TelformCore", dependencies: ["CYaml"]),
        .target(name: "TelformPlatforms", dependencies: ["TelformCore"]),
        .target(name: "TelformSimulator", dependencies: ["TelformCore"]),
        .executableTarget(
            name: "telform",
            dependencies: ["CCurlLoader", "TelformCore", "TelformPlatforms", "TelformSimulator"],
            // The link finds the empty libcurl beside curl_loader.c before the system's.
            linkerSettings: [.unsafeFlags(["-L", Context.packageDirectory + "/Sources/CCurlLoader/link"])]
        ),
        // The benchmark (docs/performance.md): runs the built telform against its floors.
        .executableTarget(name: "telform-bench", dependencies: ["CYaml"], path: "Benchmarks"),
        .testTarget(name: "TelformCoreTests", dependencies: ["TelformCore"]),
        .testTarget(name: "TelformPlatformsTests", dependencies: ["TelformCore", "TelformPlatforms", "TelformSimulator"]),
        .testTarget(name: "TelformSimulatorTests", dependencies: ["TelformCore", "TelformSimulator"]),
        .testTarget(name: "EndToEndTests", dependencies: ["telform"], exclude: ["schema_check.py", "golden"]),
    ],
    swiftLanguageModes: [.v6]
)
