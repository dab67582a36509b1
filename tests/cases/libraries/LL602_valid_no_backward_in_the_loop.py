import torch

def evaluate(model, loader, criterion):
    losses = []
    for x, y in loader:
        loss = criterion(model(x), y)
        losses.append(loss)
    return torch.stack(losses).mean()
# case: {"id": "no-backward-in-the-loop"}
