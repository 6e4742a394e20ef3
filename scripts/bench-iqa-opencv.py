"""Times OpenCV's quality module (the maintained reference) on the same pairs as `fiqa bench-iqa`.

Prints one JSON line per (metric, size): {"metric", "size", "median_ms"}. Run by scripts/bench-iqa.sh.
"""
import json
import sys
import time

import cv2

ref_small, dist_small, big, brisque_model, brisque_range, iterations = sys.argv[1:7]
iterations = int(iterations)
pairs = []
if ref_small != "-":
    pairs.append(("512x384", cv2.imread(ref_small), cv2.imread(dist_small)))
b = cv2.imread(big)
ok, enc = cv2.imencode(".jpg", b, [cv2.IMWRITE_JPEG_QUALITY, 30])
pairs.append((f"{b.shape[1]}x{b.shape[0]}", b, cv2.imdecode(enc, cv2.IMREAD_COLOR)))

metrics = {
    "psnr": lambda r, d: cv2.quality.QualityPSNR_compute(r, d),
    "ssim": lambda r, d: cv2.quality.QualitySSIM_compute(r, d),
    "gmsd": lambda r, d: cv2.quality.QualityGMSD_compute(r, d),
    "brisque": lambda r, d: cv2.quality.QualityBRISQUE_compute(d, brisque_model, brisque_range),
}
for name, fn in metrics.items():
    for size, r, d in pairs:
        fn(r, d)
        times = []
        for _ in range(iterations):
            t = time.perf_counter()
            fn(r, d)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        print(json.dumps({"metric": name, "size": size, "median_ms": round(times[len(times) // 2], 3)}))
