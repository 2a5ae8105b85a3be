"""Independent check of engine/common/metrics on real label files, with scipy (run by hand, not by npm test).

Reimplements MONAI's definitions with scipy.ndimage (binary_erosion for boundaries, distance_transform_edt
with sampling=spacing for distances) and DeepMind's area-weighted NSD in numpy (written here from the paper's
description: crop to the joint box, pad one voxel, 2x2x2 cube codes, midpoint marching-cubes triangle areas with
the vertices scaled by the spacing, EDT of the other surfel grid), and prints JSON, which
test/metrics/segmentation-metrics.test.ts pins. The triangle table is read from the text of @kitware/vtk.js's
caseTable.js (the same table the TypeScript imports; its corner numbering is decoded independently here).
Usage: python3 test/metrics/scipy_crosscheck.py PRED.nii.gz PRED_VALUE REF.nii.gz REF_VALUE [TOL_MM [SHIFT_I,J,K]]
(SHIFT moves the prediction mask by whole voxels, zero-filled, to make a second mask on an anisotropic grid.)
"""
import gzip, json, os, re, struct, sys
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

def triangle_table():
    src = open(os.path.join(os.path.dirname(__file__), '../../node_modules/@kitware/vtk.js/Filters/General/ImageMarchingCubes/caseTable.js')).read()
    cases = json.loads(re.search(r'MARCHING_CUBE_CASES = (\[.*?\]);', src, re.S).group(1))
    edges = json.loads(re.search(r'EDGES = (\[.*?\]);', src, re.S).group(1))
    return cases, edges

def area_by_code(spacing):
    """Area (mm^2) per code, code bit (4*dz + 2*dy + dx) = corner at offset (dx, dy, dz) inside."""
    cases, edges = triangle_table()
    # vtk.js ImageMarchingCubes: case bit b is its voxel corner [0, 1, 3, 2, 4, 5, 7, 6][b]; corner v = (v&1, v>>1&1, v>>2&1).
    hex_corner = [0, 1, 3, 2, 4, 5, 7, 6]
    sp = np.array(spacing)
    corner = lambda v: np.array([v & 1, (v >> 1) & 1, (v >> 2) & 1], float)
    areas = np.zeros(256)
    for code in range(256):
        case = sum(((code >> hex_corner[b]) & 1) << b for b in range(8))
        tri = [e for e in cases[case] if e >= 0]
        for t in range(0, len(tri), 3):
            p, q, r = ((corner(edges[e][0]) + corner(edges[e][1])) / 2 * sp for e in tri[t:t + 3])
            areas[code] += np.linalg.norm(np.cross(q - p, r - p)) / 2
    return areas

def surface_dice(p, r, spacing, tol):
    idx = np.argwhere(p | r)
    lo, hi = idx.min(0), idx.max(0) + 1
    crop = lambda m: np.pad(m[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]], 1).astype(np.int32)
    areas = area_by_code(spacing)
    def codes(m):
        c = np.zeros(tuple(s - 1 for s in m.shape), np.int32)
        for dz in (0, 1):
            for dy in (0, 1):
                for dx in (0, 1):
                    c |= m[dx:dx + c.shape[0], dy:dy + c.shape[1], dz:dz + c.shape[2]] << (4 * dz + 2 * dy + dx)
        return c
    cp, cr = codes(crop(p)), codes(crop(r))
    sp_, sr = (cp > 0) & (cp < 255), (cr > 0) & (cr < 255)
    dp = ndimage.distance_transform_edt(~sr, sampling=spacing)[sp_]
    dr = ndimage.distance_transform_edt(~sp_, sampling=spacing)[sr]
    ap, ar = areas[cp[sp_]], areas[cr[sr]]
    return float((ap[dp <= tol].sum() + ar[dr <= tol].sum()) / (ap.sum() + ar.sum()))

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
        'nsdVoxels': float((both <= tol).sum() / both.size),
        'nsd': surface_dice(p, r, spacing, tol),
        'predictionVoxels': int(p.sum()),
        'referenceVoxels': int(r.sum()),
    }, default=float))

main()
