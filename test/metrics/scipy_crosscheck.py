"""Independent check of engine/common/metrics on real label files, with scipy (run by hand, not by npm test).

Reimplements MONAI's definitions with scipy.ndimage (binary_erosion for boundaries, distance_transform_edt
with sampling=spacing for distances) and prints JSON, which test/metrics/segmentation-metrics.test.ts pins.
Usage: python3 test/metrics/scipy_crosscheck.py PRED.nii.gz PRED_VALUE REF.nii.gz REF_VALUE [TOL_MM [SHIFT_I,J,K]]
(SHIFT moves the prediction mask by whole voxels, zero-filled, to make a second mask on an anisotropic grid.)
"""
import gzip, json, struct, sys
import numpy as np
from scipy import ndimage

DTYPES = {2: np.uint8, 4: np.int16, 8: np.int32, 16: np.float32, 64: np.float64, 256: np.int8, 512: np.uint16}

def read_nifti(path):
    raw = gzip.open(path).read() if path.endswith('.gz') else open(path, 'rb').read()
    dim = struct.unpack_from('<8h', raw, 40)
    datatype = struct.unpack_from('<h', raw, 70)[0]
    pixdim = struct.unpack_from('<8f', raw, 76)
    offset = int(struct.unpack_from('<f', raw, 108)[0])
    shape = dim[1:1 + dim[0]][:3]
    data = np.frombuffer(raw, DTYPES[datatype], count=int(np.prod(shape)), offset=offset)
    return data.reshape(shape, order='F'), tuple(float(p) for p in pixdim[1:4])

def edges(mask):
    return mask ^ ndimage.binary_erosion(mask, border_value=0)

def directed(a_edge, b_edge, spacing):
    return ndimage.distance_transform_edt(~b_edge, sampling=spacing)[a_edge]

def main():
    pred, spacing = read_nifti(sys.argv[1])
    ref, _ = read_nifti(sys.argv[3])
    tol = float(sys.argv[5]) if len(sys.argv) > 5 else 2.0
    p = pred == int(sys.argv[2])
    if len(sys.argv) > 6:
        shifted = np.zeros_like(p)
        si, sj, sk = (int(v) for v in sys.argv[6].split(','))
        src = p[max(0, -si):p.shape[0] - max(0, si), max(0, -sj):p.shape[1] - max(0, sj), max(0, -sk):p.shape[2] - max(0, sk)]
        shifted[max(0, si):max(0, si) + src.shape[0], max(0, sj):max(0, sj) + src.shape[1], max(0, sk):max(0, sk) + src.shape[2]] = src
        p = shifted
    r = ref == int(sys.argv[4])
    pe, re_ = edges(p), edges(r)
    d_pr, d_rp = directed(pe, re_, spacing), directed(re_, pe, spacing)
    both = np.concatenate([d_pr, d_rp])
    inter = int((p & r).sum())
    print(json.dumps({
        'spacing': spacing,
        'dice': 2 * inter / (p.sum() + r.sum()),
        'iou': inter / (p | r).sum(),
        'hd95Mm': max(np.percentile(d_pr, 95), np.percentile(d_rp, 95)),
        'assdMm': both.mean(),
        'nsd': float((both <= tol).sum() / both.size),
        'predictionVoxels': int(p.sum()),
        'referenceVoxels': int(r.sum()),
    }, default=float))

main()
