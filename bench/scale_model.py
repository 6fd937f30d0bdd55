#!/usr/bin/env python3
"""The 1B-vector projection of docs/scale.md: every input is a measured figure (named in MEASURED) or a named
assumption (MACHINE, the scaling regimes); run it to print the tables the document quotes.

    python3 bench/scale_model.py            # 1B x 100, the default machine
    python3 bench/scale_model.py --n 2e9 --dims 768
"""
import argparse
import math

# Measured on this repository (docs/scale.md, "Measured inputs", says where each comes from).
MEASURED = {
    "partition_us_per_row": 1.22,     # LSH sample + partition pass, CPU-us per row, 1M x 100, 1 thread
    "write_us_per_row": 1.78,         # writing a bucket's lists, CPU-us per row
    "kmeans_gmac": 20.3,              # k-means training, 10^9 multiply-adds per CPU-second
    "assign_gmac": 14.5,              # assigning rows to their nearest centroid, 10^9 MAC per CPU-second
    "calibration": 231.0 / 174.0,     # the 20M x 70 build measured 231 CPU-s; these rates predict 174
    "scan_gbs_f32": 10.3,             # list bytes per CPU-second, one query at a time (clustered 20M, widest setting)
    "scan_gbs_sq8": 3.5,              # code bytes per CPU-second, SQ8, one query at a time (GloVe, widest setting)
    "request_bytes": 36,              # a bucket request's body besides its floats and cluster ids (Orleans serializer)
    "bytes_per_wire_float": 5,        # Orleans writes a float[] element as a tag byte plus 4 bytes
    "bytes_per_wire_cluster": 3.6,    # per cluster id in a request (tag + varint; 539 B at 1 cluster, 764 B at 64)
    "response_bytes_k10": 128,        # one query's top 10 from one bucket, body bytes
    "call_cpu_us": 54,                # CPU of one grain call, both ends: batch-1 cluster vs engine, 6 calls a query
}

# Assumed machine: say so wherever it is used.
MACHINE = {
    "cores": 16,
    "ram_gb": 128,
    "page_cache_gb": 110,     # RAM less the OS, the silo's heap and the coordinators' centroid tables
    "mem_bw_gbs": 100,        # sustained streaming read bandwidth of the whole machine
    "nvme_gbs": 3.0,          # sequential read or write
    "net_gbs": 1.25,          # 10 GbE
    "hop_ms": 0.33,           # one grain call, request and response (measured in one process: 0.65 ms for two)
}

# Rows a query scans at recall@10 0.95, r(N) = r0 * (N / n0) ** beta (rows of float32, or of codes for SQ8).
REGIMES = {
    # clustered synthetic data: 1,289 rows at 1M x 100 (0.129 %), 21,636 at 20M x 70 (0.108 %): the share is flat
    "clustered": {"r0": 21636, "n0": 20e6, "beta": 1.0},
    # GloVe-100, real embeddings: 18,463 rows at 331k (5.6 %); 9,466 at a seeded random 100k of its rows (9.5 %),
    # the same 10,000 queries: rows grow as N ** 0.56
    "glove-like": {"r0": 18463, "n0": 331479, "beta": math.log(18463 / 9466) / math.log(331479 / 100000)},
}


def gb(x):
    return x / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=float, default=1e9)
    ap.add_argument("--dims", type=int, default=100)
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--lsh-probes", type=int, default=5)
    ap.add_argument("--machines", default="4,8,16,32,64")
    a = ap.parse_args()
    n, d, r, lp = a.n, a.dims, a.replicas, a.lsh_probes
    machines = [int(x) for x in a.machines.split(",")]

    row_f32 = 4 * d + 8
    row_sq8 = row_f32 + d
    print(f"N = {n:.3g}, d = {d}: float32 {gb(n * row_f32):.0f} GB, SQ8 {gb(n * row_sq8):.0f} GB "
          f"(codes alone {gb(n * d):.0f} GB); x{r} replicas: {gb(n * row_f32 * r):.0f} / {gb(n * row_sq8 * r):.0f} GB")

    print("\n## Per silo (R = %d), GB: float32 files | SQ8 files | SQ8 codes | fits page cache (%d GB)?" % (r, MACHINE["page_cache_gb"]))
    for m in machines:
        f32, sq8, codes = n * row_f32 * r / m, n * row_sq8 * r / m, n * d * r / m
        fit = "float32" if gb(f32) <= MACHINE["page_cache_gb"] else ("SQ8 codes" if gb(codes) <= MACHINE["page_cache_gb"] else "no")
        print(f"{m:>4} | {gb(f32):7.0f} | {gb(sq8):7.0f} | {gb(codes):6.0f} | {fit}")

    clusters = round(4 * math.sqrt(n))
    print(f"\n## Clusters C = 4 sqrt(N) = {clusters:,} ({clusters / 8:,.0f} per bucket, {n / clusters:,.0f} rows each); "
          f"centroid table {clusters * 4 * d / 1e6:.1f} MB, held twice per coordinator activation (row-major + transposed): "
          f"{2 * clusters * 4 * d * MACHINE['cores'] / 1e9:.2f} GB per silo at one activation per core")
    rows = {}
    for regime, g in REGIMES.items():
        scanned = g["r0"] * (n / g["n0"]) ** g["beta"]
        rows[regime] = scanned
        print(f"{regime}: {scanned:,.0f} rows = {scanned / n * 100:.3f} % of N, {scanned / (n / clusters):,.0f} clusters' worth; "
              f"{scanned * 4 * d / 1e6:,.0f} MB float32 / {scanned * d / 1e6:,.0f} MB SQ8 codes per query")

    print(f"\n## Queries/s at C = {clusters:,}, lshProbes {lp}, no reuse of a read between the queries of a batch")
    for regime in REGIMES:
        scanned = rows[regime]
        plan_ms = lp * clusters / 8 * d / (MEASURED["assign_gmac"] * 1e9) * 1e3
        f32 = min(MACHINE["cores"] * MEASURED["scan_gbs_f32"], MACHINE["mem_bw_gbs"]) * 1e9 / (scanned * 4 * d)
        sq8 = min(MACHINE["cores"] * MEASURED["scan_gbs_sq8"], MACHINE["mem_bw_gbs"]) * 1e9 / (scanned * d)
        one = scanned * 4 * d / (MEASURED["scan_gbs_f32"] * 1e9) * 1e3
        print(f"{regime}: coordinator ranks {lp * clusters / 8:,.0f} centroids ({plan_ms:.2f} CPU-ms); per machine "
              f"float32 {f32:,.0f} q/s, SQ8 {sq8:,.0f} q/s; one query on one core scans for {one:,.0f} ms")
        print("   cluster (float32 / SQ8): " + ", ".join(f"{m}: {m * f32:,.0f} / {m * sq8:,.0f}" for m in machines))

    print("\n## Shards per bucket S: a shard's assign + write job within T on one machine, and >= 4 shard copies per silo")
    cal = MEASURED["calibration"]
    per_row = ((clusters / 8) * d / (MEASURED["assign_gmac"] * 1e9) + MEASURED["write_us_per_row"] / 1e6) * cal / MACHINE["cores"]
    for minutes in (5, 15):
        cap = minutes * 60 / per_row
        s_time = math.ceil(n / 8 / cap)
        print(f"T = {minutes} min: at most {cap / 1e6:,.0f}M rows ({gb(cap * row_f32):,.0f} GB) per shard -> S >= {s_time}; "
              + ", ".join(f"{m} machines: S = {max(s_time, math.ceil(4 * m / (8 * r)))}" for m in machines))
    print("single-query latency, clustered (scan split over lshProbes x S shards, + 2 hops of %.2f ms): " % MACHINE["hop_ms"]
          + ", ".join(f"S = {sh}: {rows['clustered'] * 4 * d / (MEASURED['scan_gbs_f32'] * 1e9) * 1e3 / (lp * sh) + 2 * MACHINE['hop_ms']:.1f} ms"
                      for sh in (1, 4, 16)))

    print(f"\n## Fan-out of one query (k = 10, lshProbes {lp}, d = {d}), S shards per bucket")
    for regime in REGIMES:
        p = rows[regime] / (n / clusters)
        for s in (1, 4, 16, 64):
            msgs = lp * min(s, max(1, p / lp))
            req = MEASURED["request_bytes"] + MEASURED["bytes_per_wire_float"] * d + MEASURED["bytes_per_wire_cluster"] * p / msgs
            total = msgs * (req + MEASURED["response_bytes_k10"])
            print(f"{regime}, S = {s}: {msgs:,.0f} messages, {total / 1e3:,.1f} KB bodies, "
                  f"{total / (MACHINE['net_gbs'] * 1e9) * 1e6:,.1f} us on one 10 GbE link, "
                  f"{msgs * MEASURED['call_cpu_us'] / 1e3:,.1f} CPU-ms of calls")

    print(f"\n## Rebuild at C = {clusters:,} (CPU rates x{MEASURED['calibration']:.2f}), wall minutes")
    k = clusters / 8
    partition = n * MEASURED["partition_us_per_row"] / 1e6 * cal
    train_bucket = 64 * k * k * d * 20 / (MEASURED["kmeans_gmac"] * 1e9) * cal
    assign = n * k * d / (MEASURED["assign_gmac"] * 1e9) * cal
    write = n * MEASURED["write_us_per_row"] / 1e6 * cal
    print(f"CPU-hours: partition {partition / 3600:.1f}, k-means {8 * train_bucket / 3600:.1f} ({train_bucket / 3600:.2f} per bucket), "
          f"assign {assign / 3600:.1f}, write {write / 3600:.1f}")
    io_one = gb(n * (4 * d + 4)) / MACHINE["nvme_gbs"] + gb(n * row_f32) / MACHINE["nvme_gbs"] + gb(n * row_f32) / MACHINE["net_gbs"]
    print(f"partition on one silo (today): CPU {partition / MACHINE['cores'] / 60:.0f} min on {MACHINE['cores']} cores, "
          f"I/O {io_one / 60:.0f} min (read source, write spill, upload spill)")
    cores = MACHINE["cores"]
    print("machines | today: 8 bucket jobs | shard jobs on every machine (S x 8 >= machines)")
    for m in machines:
        busy = min(m, 8)
        today = (io_one + train_bucket / cores + (assign + write) / 8 / cores
                 + gb(n * row_f32 / 8) / MACHINE["net_gbs"] * 2) * math.ceil(8 / busy)
        spread_io = gb(n * row_f32) * (2 + r) / m / MACHINE["net_gbs"]
        spread = (partition / (m * cores) + io_one / m + train_bucket / cores * math.ceil(8 / m)
                  + (assign + write) / (m * cores) + spread_io)
        print(f"{m:>8} | {today / 60:8.0f} | {spread / 60:8.0f}")


if __name__ == "__main__":
    main()
