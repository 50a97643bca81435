# alertlens for the compose stack (store: clickhouse). The embedded store
# needs libchdb.so, which this image does not carry: mount it and set
# ALERTLENS_CHDB_LIB to use it.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /alertlens ./cmd/alertlens

FROM debian:bookworm-slim
COPY --from=build /alertlens /usr/local/bin/alertlens
EXPOSE 9095
ENTRYPOINT ["/usr/local/bin/alertlens"]
