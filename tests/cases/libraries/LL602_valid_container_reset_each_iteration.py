import torch

def train(model, loader, criterion):
    for x, y in loader:
        step_losses = []
        loss = criterion(model(x), y)
        loss.backward()
        step_losses.append(loss)
        log(step_losses)
# case: {"id": "container-reset-each-iteration"}
