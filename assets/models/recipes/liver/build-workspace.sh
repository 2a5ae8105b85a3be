#!/bin/sh
# Builds the workspace the bundled liver model is trained on, from ../shared/data beside the checkout:
# patient A's full scan (train) and patient B's DICOM series (val), TotalSegmentator labels, liver (5) → 1.
# Usage (from the repository root): sh assets/models/recipes/liver/build-workspace.sh /tmp/liver-ws
set -eu
W="$1"
D=../shared/data/totalsegmentator
lobule() { node bin/lobule.js "$@"; }
lobule workspace init "$W"
lobule workspace import "$D/example_ct.nii.gz" --workspace "$W"
lobule workspace import-label example_ct "$D/example_seg_fast_force_split.nii.gz" --label-map '5:1,*:0' --label-status verified --workspace "$W"
lobule workspace set-split example_ct train --workspace "$W"
lobule workspace import "$D/example_ct_dicom" --workspace "$W"
lobule workspace import-label example_ct_dicom "$D/example_seg_dicom.nii.gz" --label-map '5:1,*:0' --label-status verified --workspace "$W"
lobule workspace set-split example_ct_dicom val --workspace "$W"
lobule workspace status --workspace "$W"
