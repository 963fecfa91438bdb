"""Korean: the words of every picture, in the course deck's terms (역전파, 기울기, 과적합,
조기 종료, 정규화, 배치 정규화, 레이어 정규화, 퍼셉트론, 순환 신경망, 체인 룰, ...).

Keys are the English the code writes (``autograd.language.tr``); ``{name}`` fields stay
as they are, and so does the math (``∂loss/∂w``, ``δ``, ``μ``, ``σ²``) and every name a
model gives (``L1.N3``, ``x0``). ``tests/test_language.py`` checks that every text the
code passes to ``tr`` has its entry here, with the same fields.
"""

WORDS: dict[str, str] = {
    # -- the op view: boxes, legend, captions (viz.ops) ------------------------------------
    "input": "입력",
    "inputs": "입력",
    "parameter": "파라미터",
    "output": "출력",
    "constant": "상수",
    "value": "값",
    "penalty": "페널티",
    "data": "값",
    "grad": "기울기",
    "value:": "값:",
    "gradient:": "기울기:",
    "data: forward value": "값: 순전파로 구한 값",
    "grad: ∂output/∂value (backward)": "기울기: ∂출력/∂값 (역전파)",
    "edges: the chain rule": "화살표: 체인 룰",
    "{n} values": "값 {n}개",
    "{n} parameters": "파라미터 {n}개",
    "+{n} more outputs": "출력 {n}개 더",
    "penalty: {p}% of the weights' gradient": "페널티: 가중치 기울기의 {p}%",
    "Σ over the batch of {chain} = {value}": "배치 전체의 {chain} 합 = {value}",
    "gradients not computed yet: call backward() on the output":
        "기울기를 아직 계산하지 않았습니다: 출력에서 backward()를 호출하세요",
    "forward {k}/{n}: {what}": "순전파 {k}/{n}: {what}",
    "backward {k}/{n}: {what}": "역전파 {k}/{n}: {what}",
    "given": "주어진 값",
    "{name} = {value} (given)": "{name} = {value} (주어진 값)",
    "the seed: backward starts from the output": "시작값: 역전파는 출력에서 시작합니다",
    "∂{f}/∂{x} = {value} (the seed)": "∂{f}/∂{x} = {value} (시작값)",
    ", the sum over the {n} edges leaving {x}": ", {x}에서 나가는 화살표 {n}개의 합",
    "Σ over the {n} edges of ∂{f}/∂reader · ∂reader/∂{x}":
        "화살표 {n}개에 대한 ∂{f}/∂reader · ∂reader/∂{x}의 합",
    "Σ over the batch of ({formula})": "배치 전체의 ({formula}) 합",
    "summed over the batch: = {value}": "배치 전체의 합: = {value}",
    "sample {k}'s terms: = {part}; summed over all {n} samples: = {value}":
        "샘플 {k}의 항: = {part}; 샘플 {n}개 전체의 합: = {value}",

    # -- a batch's numbers (viz.common.text, viz.network.numbers) --------------------------
    "mean {x}": "평균 {x}",
    "batch of {n} samples: showing sample {k}": "샘플 {n}개의 배치: 샘플 {k}의 값",
    "batch of {n} samples: showing the mean over the batch": "샘플 {n}개의 배치: 배치 평균",
    "batch of {n} samples: showing [min, max] over the batch":
        "샘플 {n}개의 배치: 배치의 [최솟값, 최댓값]",
    "numbers of sample {k} of {n}": "샘플 {n}개 중 샘플 {k}의 값",
    "the mean over the {n} samples: each sample's rule is the formula above with its own "
    "numbers": "샘플 {n}개의 평균: 각 샘플의 규칙은 위 식에 그 샘플의 값을 넣은 것입니다",
    "the [min, max] over the {n} samples: each sample's rule is the formula above with its "
    "own numbers": "샘플 {n}개의 [최솟값, 최댓값]: 각 샘플의 규칙은 위 식에 그 샘플의 값을 "
                   "넣은 것입니다",

    # -- the network view (viz.network) ---------------------------------------------------
    "sample {k} of {n}": "샘플 {n}개 중 샘플 {k}",
    "{n} samples: mean": "샘플 {n}개: 평균",
    "{n} samples: [min, max]": "샘플 {n}개: [최솟값, 최댓값]",
    "value {x}": "값 {x}",
    "δ = ∂loss/∂value {x}": "δ = ∂loss/∂값 {x}",
    "z (weighted sum) {x}": "z (가중합) {x}",
    "edge width: {what}": "선 굵기: {what}",
    "one weight, shared by every step": "모든 시점이 함께 쓰는 가중치 하나",
    "activation": "활성화",
    "running {stats}": "이동 {stats}",
    "kept in {share}": "{share} 유지",
    "{mask} (dropped)": "{mask} (드롭)",
    "∂loss/∂w = {x} (every sample's part, summed)": "∂loss/∂w = {x} (모든 샘플 몫의 합)",
    "the same weight at every step: drawn {n} times": "모든 시점에서 같은 가중치: {n}번 그림",
    "an input: given": "입력: 주어진 값",
    " (linear)": " (선형)",
    "{name} = {what}, a term a line:": "{name} = {what}, 한 줄에 한 항:",
    "μ and σ: the running statistics (eval): μ = {mu}, σ = {sigma}":
        "μ와 σ: 이동 통계 (평가 모드): μ = {mu}, σ = {sigma}",
    "μ = {mu}, σ² = {var}: over the batch; σ = {sigma}": "μ = {mu}, σ² = {var}: 배치에 대해; "
                                                         "σ = {sigma}",
    "μ = {mu}, σ² = {var}: over the sample's features; σ = {sigma}":
        "μ = {mu}, σ² = {var}: 샘플의 특성들에 대해; σ = {sigma}",
    "{name} = {op} of {x} over the {n} samples": "{name} = 샘플 {n}개에 대한 {x}의 {op}",
    "over the {n} samples": "샘플 {n}개에 대해",
    "the seed: backward starts from the loss": "시작값: 역전파는 손실에서 시작합니다",
    "δ {name} = 0: nothing reads it": "δ {name} = 0: 이 값을 쓰는 곳이 없습니다",
    ", the sum of what each reader sends back:": ", 이 값을 쓰는 곳마다 돌려보내는 기울기의 합:",
    "= {x}  (the sum)": "= {x}  (합)",
    "through each weight into a neuron k: w · f'(z_k) · δ_k":
        "뉴런 k로 들어가는 각 가중치를 거쳐: w · f'(z_k) · δ_k",
    "({w} into {name}, f' {f})": "({name}로 가는 {w}, f' {f})",
    "= 1, linear": "= 1, 선형",
    "through {name}: f'(x) · δ, f'(x) = {formula}": "{name}을 거쳐: f'(x) · δ, f'(x) = {formula}",
    "through {name}: f'(x) · δ {name},  f'(x) = {formula} = {slope} at x = {x}":
        "{name}을 거쳐: f'(x) · δ {name},  x = {x}에서 f'(x) = {formula} = {slope}",
    "through {name}: m · δ (m = 1/(1 - p) where kept, else 0)":
        "{name}을 거쳐: m · δ (유지되면 m = 1/(1 - p), 드롭되면 0)",
    "kept: m = 1/(1 - p), p = {p}": "유지: m = 1/(1 - p), p = {p}",
    "dropped in this sample: m = 0": "이 샘플에서 드롭: m = 0",
    "through {name}: m · δ {name}  ({why})": "{name}을 거쳐: m · δ {name}  ({why})",
    "through {name} (running statistics): ∂loss/∂x = γ · δ / σ":
        "{name}을 거쳐 (이동 통계): ∂loss/∂x = γ · δ / σ",
    "the batch": "배치",
    "the sample's features": "샘플의 특성들",
    "through {name}: ∂loss/∂x = ∂loss/∂x̂ / σ + ∂loss/∂σ² · 2(x - μ)/m + ∂loss/∂μ / m  "
    "(μ, σ² over {over}, m = {m})":
        "{name}을 거쳐: ∂loss/∂x = ∂loss/∂x̂ / σ + ∂loss/∂σ² · 2(x - μ)/m + ∂loss/∂μ / m  "
        "(μ, σ²는 {over}에 대해, m = {m})",
    "(sums over {over})": "({over}에 대한 합)",
    "it adds to each of its {n} weights' gradients, along its ops:":
        "가중치 {n}개 각각의 기울기에 연산을 따라 더해집니다:",
    "… and so for the other {n}": "… 나머지 {n}개도 같습니다",
    "through {name}'s ops: the product of the local derivatives on each path":
        "{name}의 연산을 거쳐: 경로마다 국소 미분의 곱",
    "= {x}  (the sum over {n} paths; the op view shows each)":
        "= {x}  (경로 {n}개의 합; 연산 보기에서 하나씩 볼 수 있습니다)",
    " (the seed)": " (시작값)",
    " (an input)": " (입력)",
    # a neuron's card (viz.network.card)
    "Σ of the {n} products above": "위 곱 {n}개의 합",
    "each input: ∂loss/∂input += ∂loss/∂op × ∂op/∂input (a sample's numbers: pick a sample)":
        "각 입력: ∂loss/∂input += ∂loss/∂op × ∂op/∂input (샘플 하나의 값: 샘플을 고르세요)",
    "each term: ∂{op}/∂term = 1, so it gets ∂loss/∂{op} = {g}":
        "각 항: ∂{op}/∂항 = 1 이므로 ∂loss/∂{op} = {g}를 받습니다",
    " (sample {k}'s part of the sum)": " (합 중 샘플 {k}의 몫)",
    "op": "연산",
    "back along each edge": "각 화살표를 따라 거꾸로",
    "{name}: its ops": "{name}: 연산",
    " (sample {k} of {n})": " (샘플 {n}개 중 샘플 {k})",
    " (the {n} samples' mean)": " (샘플 {n}개의 평균)",

    # -- the stepper page (viz.page) ------------------------------------------------------
    "op view": "연산 보기",
    "network view": "네트워크 보기",
    "show the {view}": "{view}로 전환",
    "End of the backward pass: every gradient is known.": "역전파 끝: 모든 기울기를 구했습니다.",
    "End of the forward pass: every value is known.": "순전파 끝: 모든 값을 구했습니다.",
    "mean of the {n} samples": "샘플 {n}개의 평균",
    "range of the {n} samples": "샘플 {n}개의 범위",
    "The op view is left out: {reason}.": "연산 보기는 빠졌습니다: {reason}.",
    "Click a neuron to open it to its ops.": "뉴런을 클릭하면 그 연산이 열립니다.",
    "Network": "네트워크",
    "back to the whole network (Esc)": "네트워크 전체로 돌아가기 (Esc)",
    ": its ops": ": 연산",
    "▶ play": "▶ 재생",
    "❚❚ pause": "❚❚ 일시정지",
    "play the pass (space)": "한 단계씩 재생 (스페이스)",
    "pause (space)": "일시정지 (스페이스)",
    "steps": "단계",
    "step": "단계",
    "first step (Home)": "첫 단계 (Home)",
    "previous step (←)": "이전 단계 (←)",
    "next step (→)": "다음 단계 (→)",
    "last step (End)": "마지막 단계 (End)",
    "zoom": "확대",
    "zoom out (-)": "축소 (-)",
    "zoom in (+)": "확대 (+)",
    "the whole diagram (0)": "그림 전체 (0)",
    "fit": "맞춤",
    "← → step, Home / End jump, space plays; drag to pan, the wheel or + / − zooms, 0 fits.":
        "← → 한 단계, Home / End 처음과 끝, 스페이스 재생; 끌어서 이동, 휠이나 + / − 로 확대, "
        "0 으로 전체 보기.",
    "whose numbers": "어느 샘플의 값",
    "whose numbers the page shows": "페이지가 보여 줄 샘플의 값",

    # -- the film (viz.film) --------------------------------------------------------------
    "epoch {epoch}": "에포크 {epoch}",
    " (before training)": " (학습 전)",
    " · best (early stopping)": " · 최적 (조기 종료)",
    "training loss {value}": "학습 손실 {value}",
    "validation loss {value}": "검증 손실 {value}",
    "train {metric} {value}": "학습 {metric} {value}",
    "val {metric} {value}": "검증 {metric} {value}",
    "prediction: P(class 1) over the input plane": "예측: 입력 평면 위의 P(클래스 1)",
    "prediction: the output over the input plane (blue > 0 > orange)":
        "예측: 입력 평면 위의 출력 (파랑 > 0 > 주황)",
    "prediction: the class over the input plane": "예측: 입력 평면 위의 클래스",
    "● training · ○ validation · blue: class 1, orange: class 0":
        "● 학습 · ○ 검증 · 파랑: 클래스 1, 주황: 클래스 0",
    "loss": "손실",
    "learning rate": "학습률",
    "weights near zero: the share with |w| < {bound}": "0에 가까운 가중치: |w| < {bound}인 비율",
    "weights near 0": "0에 가까운 가중치",
    "inactive outputs: share of samples × units, per layer":
        "비활성 출력: 층별 (샘플 × 유닛) 비율",
    "{layer} · BN: running mean, a line per feature": "{layer} · BN: 이동 평균, 특성마다 한 줄",
    "{layer} · BN: running variance, a line per feature": "{layer} · BN: 이동 분산, 특성마다 한 줄",
    "training": "학습",
    "validation": "검증",
    "log": "로그",
    "best": "최적",
    "gradient reaching each step: ||∂loss/∂h_t|| (log)":
        "각 시점에 닿는 기울기: ||∂loss/∂h_t|| (로그)",
    "… and over the epochs (dark: a large gradient)": "… 에포크에 따라 (진할수록 큰 기울기)",
    "linear": "선형",
    "line: a weight; blue positive, orange negative; wider for a larger |w| "
    "(full width at |w| ≥ {scale})":
        "선: 가중치; 파랑은 양수, 주황은 음수; |w|가 클수록 굵게 (|w| ≥ {scale}이면 가장 굵게)",
    "box: the unit's output over the input plane (blue > 0 > orange, each on its own scale)":
        "상자: 입력 평면 위의 유닛 출력 (파랑 > 0 > 주황, 유닛마다 자기 척도)",
    "box: the unit's mean output over the training data (blue > 0 > orange, on its layer's "
    "scale); bar: the share of samples where it is inactive (a ReLU at 0, a tanh or sigmoid "
    "saturated); crossed out: inactive for every sample":
        "상자: 학습 데이터에 대한 유닛의 평균 출력 (파랑 > 0 > 주황, 층마다 같은 척도); "
        "막대: 비활성인 샘플의 비율 (0인 ReLU, 포화된 tanh나 sigmoid); "
        "엑스 표시: 모든 샘플에서 비활성",
    "dropout is active only in training: the pictures show the model as it predicts "
    "(evaluation mode)":
        "드롭아웃은 학습 때만 작동합니다: 그림은 예측할 때의 모델입니다 (평가 모드)",
    "a model": "모델",
    "{model} learning": "{model} 학습",
    "{model} learning on {n} samples": "샘플 {n}개로 {model} 학습",
    "epoch {epoch}: loss {loss}": "에포크 {epoch}: 손실 {loss}",
    "recorded while training: the film ends at the latest epoch so far":
        "학습 중에 기록됨: 필름은 지금까지의 마지막 에포크에서 끝납니다",
    "play the training (space)": "학습 과정 재생 (스페이스)",
    "w = {w} at epoch {epoch}": "에포크 {epoch}에서 w = {w}",
    "∂loss/∂w: none yet (no step before training)": "∂loss/∂w: 아직 없음 (학습 전이라 한 걸음도 "
                                                    "가지 않음)",
    "∂loss/∂w = {g} (the epoch's last step)": "∂loss/∂w = {g} (에포크의 마지막 단계)",
    "an input": "입력",
    "{activation} neuron": "{activation} 뉴런",
    "{activation} block": "{activation} 블록",
    "bias b": "편향 b",
    "click: its history": "클릭: 학습 기록",
    "w from {unit}": "{unit}에서 오는 w",
    "{unit}: its weights over the epochs": "{unit}: 에포크에 따른 가중치",
    "at epoch {epoch} (from {lo} to {hi} over the film):":
        "에포크 {epoch}에서 (필름 전체 범위 {lo} ~ {hi}):",
    "epoch {epoch}: the forward and backward pass": "에포크 {epoch}: 순전파와 역전파",
    "none": "없음",
    "frames": "프레임",
    "frame": "프레임",
    "first epoch (Home)": "첫 에포크 (Home)",
    "previous frame (←)": "이전 프레임 (←)",
    "next frame (→)": "다음 프레임 (→)",
    "last epoch (End)": "마지막 에포크 (End)",
    "speed": "속도",
    "this epoch's forward and backward pass, step by step (held for epochs: {held})":
        "이 에포크의 순전파와 역전파를 한 단계씩 (담긴 에포크: {held})",
    "chain rule of this epoch": "이 에포크의 체인 룰",
    "← → a frame, Home / End the first and last epoch, space plays. Hover a weight for its "
    "value and gradient at this epoch; click a unit for its history. The slider's ticks mark "
    "the epochs whose chain rule this page holds ({held}); for any other epoch, in Python: "
    "{code}.":
        "← → 한 프레임, Home / End 첫 에포크와 마지막 에포크, 스페이스 재생. 가중치에 마우스를 "
        "올리면 이 에포크의 값과 기울기가, 유닛을 클릭하면 학습 기록이 나옵니다. 슬라이더의 "
        "눈금은 체인 룰을 담은 에포크입니다 ({held}); 다른 에포크는 Python에서: {code}.",
    "a unit's history": "유닛의 학습 기록",
    "close (Esc)": "닫기 (Esc)",
    "back to the film (Esc)": "필름으로 돌아가기 (Esc)",
    "◀ back to the film": "◀ 필름으로",
    "the chain rule": "체인 룰",
    "training… epoch {epoch} (live: the whole film, to play and explore, appears here when "
    "fit ends)": "학습 중… 에포크 {epoch} (실시간: fit이 끝나면 재생하고 살펴볼 수 있는 필름 "
                 "전체가 여기에 나타납니다)",
    "waiting for the first epoch: the film appears here as fit records them "
    "(fit(..., record=rec))": "첫 에포크를 기다리는 중: fit이 기록하는 대로 필름이 여기에 "
                              "나타납니다 (fit(..., record=rec))",

    # -- autograd.plots -------------------------------------------------------------------
    "predicted label": "예측한 레이블",
    "true label": "실제 레이블",
    "fraction of the true class": "실제 클래스 중 비율",
    "samples": "샘플 수",
    "Confusion matrix": "혼동 행렬",
    "Confusion matrix (accuracy {accuracy})": "혼동 행렬 (정확도 {accuracy})",
    "score (boundary at {threshold})": "점수 (경계 {threshold})",
    "class {label}": "클래스 {label}",
    "Decision boundary": "결정 경계",
    "epoch": "에포크",
    "best epoch ({epoch})": "최적 에포크 ({epoch})",
    "train": "학습",
    "test": "테스트",
    "weight": "가중치",
    "count": "개수",
    "mean |w| = {mean}": "|w| 평균 = {mean}",

    # -- the demo (python -m viz.demo --lang ko) ------------------------------------------
    "accuracy": "정확도",
    "precision": "정밀도",
    "recall": "재현율",
    "f1": "F1",
    "mse": "평균 제곱 오차(MSE)",
    "mae": "평균 절대 오차(MAE)",
    "r2": "결정 계수(R²)",
    "benign": "양성",
    "malignant": "악성",
    "1-2. Problem and data: Wisconsin diagnostic breast cancer (569 samples, 30 features)":
        "1-2. 문제와 데이터: 위스콘신 유방암 진단 데이터 (샘플 569개, 특성 30개)",
    "{positive} {malignant} (label 1), {negative} benign (label 0)":
        "{malignant} {positive}개 (레이블 1), 양성 {negative}개 (레이블 0)",
    "3.   Split 70/10/20 (stratified) and z-score with training statistics only":
        "3.   70/10/20으로 층화 분할하고, 학습 데이터의 통계로만 표준화(z-score)",
    "train {train}, validation {validation}, test {test}":
        "학습 {train}, 검증 {validation}, 테스트 {test}",
    "4.   Train MLP(30, [16, 1]) with Adam, L2 penalty and early stopping":
        "4.   MLP(30, [16, 1])를 Adam, L2 페널티, 조기 종료로 학습",
    "{epochs} epochs, {reason}": "에포크 {epochs}번, {reason}",
    "; kept the weights of epoch {epoch}": "; 에포크 {epoch}의 가중치를 유지",
    "5.   Evaluation": "5.   평가",
    "6.   Predictions on the first five test rows": "6.   테스트 데이터 처음 다섯 행의 예측",
    "P({malignant}) = {p} -> predicted {predicted}, true {true}":
        "P({malignant}) = {p} -> 예측 {predicted}, 실제 {true}",
    "7.   Pictures": "7.   그림",
    "loss curve": "손실 곡선",
    "confusion matrix": "혼동 행렬",
    "training film": "학습 필름",
    "training film GIF": "학습 필름 GIF",
    "moons boundary": "moons 결정 경계",
    "moons film": "moons 필름",
    "moons film GIF": "moons 필름 GIF",
    "backprop diagram": "역전파 그림",
    "backprop stepper": "역전파 단계별 페이지",
    "done in {seconds} s": "{seconds}초 만에 끝",
    "MLP(30, [16, 1]) learning the breast cancer data":
        "유방암 데이터를 학습하는 MLP(30, [16, 1])",
    "MLP(2, [16, 16, 1]) learning two moons":
        "두 개의 반달(two moons)을 학습하는 MLP(2, [16, 16, 1])",
}
