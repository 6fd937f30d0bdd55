#!/usr/bin/python3
"""FAISS IndexIVFFlat peer for the HyperdOrleans benchmark.

Run with Debian's interpreter (/usr/bin/python3, package python3-faiss) and OpenBLAS installed beside it
(libopenblas0-pthread): with the reference BLAS, FAISS k-means and batch search are 15-37x slower. Debian's
FAISS is a generic build without AVX2/AVX-512 kernels; the report says so beside its numbers.

Reads the same .fvecs as the C# harness (memory-mapped, normalised chunk by chunk: cosine as inner product),
trains spherical k-means with the engine's settings (niter, max points per centroid, seed), and for each nprobe
runs a batched k=10 search, a batched k=100 search and single-query k=10 searches, each timed by the wall
clock and by the process's CPU time (immune to other load on a shared machine). Answers are written as raw
int64 ids and float32 scores (queries x k, row-major) for the harness to score; a JSON summary goes to stdout.
The line "#build-done" on stderr marks the end of the build for the harness's memory sampler.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import faiss


def fvecs(path):
    raw = np.memmap(path, dtype=np.int32, mode="r")
    d = int(raw[0])
    rows = raw.reshape(-1, d + 1)
    return rows[:, 1:].view(np.float32), d


def normalised(x):
    x = np.ascontiguousarray(x, dtype=np.float32).copy()
    faiss.normalize_L2(x)
    return x


def status():
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "RssAnon", "VmRSS"):
                out[key] = int(value.split()[0]) * 1024
    return out


def blas_libraries():
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if "blas" in path.lower() or "lapack" in path.lower():
                libs.add(os.path.realpath(path))
    return sorted(libs)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base", required=True)
    p.add_argument("--queries", required=True)
    p.add_argument("--nq", type=int, required=True)
    p.add_argument("--nlist", type=int, required=True)
    p.add_argument("--nprobe", required=True, help="comma-separated")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--latency-queries", type=int, default=100)
    p.add_argument("--niter", type=int, default=20)
    p.add_argument("--max-points-per-centroid", type=int, default=64)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", required=True)
    a = p.parse_args()

    faiss.omp_set_num_threads(a.threads)
    os.makedirs(a.out, exist_ok=True)
    base, d = fvecs(a.base)
    queries, dq = fvecs(a.queries)
    assert d == dq, f"base has {d} dims, queries {dq}"
    xq = normalised(queries[: a.nq])
    n = base.shape[0]

    t0 = time.perf_counter()
    c0 = time.process_time()
    rng = np.random.default_rng(a.seed)
    sample_size = min(n, a.nlist * a.max_points_per_centroid)
    sample = normalised(base[np.sort(rng.choice(n, sample_size, replace=False))])
    quantizer = faiss.IndexFlatIP(d)
    index = faiss.IndexIVFFlat(quantizer, d, a.nlist, faiss.METRIC_INNER_PRODUCT)
    index.cp.niter = a.niter
    index.cp.max_points_per_centroid = a.max_points_per_centroid
    index.cp.seed = a.seed
    index.cp.spherical = True
    index.train(sample)
    del sample
    train_seconds = time.perf_counter() - t0
    for start in range(0, n, 100_000):
        index.add(normalised(base[start:start + 100_000]))
    build_seconds = time.perf_counter() - t0
    build_cpu_seconds = time.process_time() - c0
    build_status = status()
    print("#build-done", file=sys.stderr, flush=True)

    points = []
    for nprobe in [int(x) for x in a.nprobe.split(",")]:
        index.nprobe = nprobe
        index.search(xq[: min(64, a.nq)], 10)
        point = {"nprobe": nprobe}
        for k in (10, 100):
            t = time.perf_counter()
            c = time.process_time()
            scores, ids = index.search(xq, k)
            point[f"qps{k}"] = a.nq / (time.perf_counter() - t)
            point[f"qps{k}_cpu"] = a.nq / max(1e-9, time.process_time() - c)
            stem = os.path.join(a.out, f"nprobe{nprobe}-k{k}")
            ids.astype(np.int64).tofile(stem + ".ids")
            scores.astype(np.float32).tofile(stem + ".scores")
            point[f"answers{k}"] = stem
        latencies, cpu_latencies = [], []
        for i in range(min(a.latency_queries, a.nq)):
            t = time.perf_counter()
            c = time.process_time()
            index.search(xq[i:i + 1], 10)
            cpu_latencies.append((time.process_time() - c) * 1000)
            latencies.append((time.perf_counter() - t) * 1000)
        for name, values in (("", latencies), ("cpu_", cpu_latencies)):
            values.sort()
            if values:
                point[f"{name}p50_ms"] = values[int(np.ceil(0.50 * len(values))) - 1]
                point[f"{name}p99_ms"] = values[int(np.ceil(0.99 * len(values))) - 1]
        points.append(point)
        print(f"#nprobe {nprobe}: {point['qps10']:.0f} q/s", file=sys.stderr, flush=True)

    json.dump({
        "faiss_version": faiss.__version__,
        "blas": blas_libraries(),
        "simd": faiss.get_compile_options() if hasattr(faiss, "get_compile_options") else "",
        "nlist": a.nlist,
        "n": n,
        "train_seconds": train_seconds,
        "build_seconds": build_seconds,
        "build_cpu_seconds": build_cpu_seconds,
        "build_vmhwm_bytes": build_status.get("VmHWM", 0),
        "build_rss_anon_bytes": build_status.get("RssAnon", 0),
        "threads": a.threads,
        "points": points,
    }, sys.stdout)


if __name__ == "__main__":
    main()
