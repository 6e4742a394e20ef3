# Regenerates tests/Fiqa.Imaging.Tests/OpenCvReference.cs values (run with Debian python3-opencv 4.6.0).
import cv2, numpy as np
# Deterministic synthetic RGB image, same formula as the C# test: smooth ramps + a sharp edge.
def synth(w, h):
    img = np.zeros((h, w, 3), np.uint8)
    for y in range(h):
        for x in range(w):
            img[y, x, 0] = (x * 255) // (w - 1)
            img[y, x, 1] = (y * 255) // (h - 1)
            img[y, x, 2] = 230 if (x // 4 + y // 4) % 2 == 0 else 20
    return img
a = synth(37, 29)
out = {}
out['down_9x7'] = cv2.resize(a, (9, 7), interpolation=cv2.INTER_LINEAR)
b = synth(13, 11)
out['up_20x17'] = cv2.resize(b, (20, 17), interpolation=cv2.INTER_LINEAR)
out['gray_37x29'] = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY)
# similarity: rotate 10 degrees about (18,14), scale 0.6, then shift
M = cv2.getRotationMatrix2D((18.0, 14.0), 10.0, 0.6)
M[0,2] -= 5; M[1,2] -= 3
print("M", repr(M.tolist()))
out['warp_16x16'] = cv2.warpAffine(a, M, (16, 16), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
for k, v in out.items():
    print(k, v.shape, v.tobytes().hex())
