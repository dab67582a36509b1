import torch

def train(model, loader, accelerator):
    epoch_losses = []
    step = 0
    while step < 100:
        for batch in loader:
            outputs = model(**batch)
            accelerator.backward(outputs.loss)
            train_loss = outputs.loss
            accelerator.backward(train_loss)
        epoch_losses.append(train_loss)  # LL602
        step += 1
# case: {"id": "outer-loop-keeps-last-graph"}
