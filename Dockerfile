# telform in a small runtime image: the binary has the Swift runtime linked in, so the image
# needs only libyaml, libcurl and the CA certificates (add a private CA to the trust store
# here: COPY my-ca.crt /usr/local/share/ca-certificates/ && RUN update-ca-certificates).
#   docker build -t telform .
#   docker run --rm -v "$PWD:/work" -e OFFICE_TOKEN telform plan
FROM swift:6.3-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libyaml-dev libcurl4-openssl-dev libssl-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Benchmarks ./Benchmarks
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product telform \
 && ! ldd .build/release/telform | grep -q libswift \
 && strip -o /telform .build/release/telform

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libyaml-0-2 libcurl4 ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=build /telform /usr/local/bin/telform
WORKDIR /work
ENTRYPOINT ["telform"]
CMD ["--help"]
