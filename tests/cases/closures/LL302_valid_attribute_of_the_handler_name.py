import sys

def send(receivers, signal):
    responses = []
    for receiver in receivers:
        try:
            responses.append((receiver, receiver(signal)))
        except Exception as exc:
            exc.__traceback__ = sys.exc_info()[2]
            print(receiver, exc)
    return responses
# case: {"id": "attribute-of-the-handler-name"}
