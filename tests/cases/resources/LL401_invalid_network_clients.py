import ftplib
import imaplib
import poplib
import selectors
import smtplib
from http.client import HTTPConnection, HTTPSConnection
from urllib.request import urlopen

def clients(host, url):
    a = urlopen(url)  # LL401
    b = HTTPConnection(host)  # LL401
    c = HTTPSConnection(host)  # LL401
    d = ftplib.FTP(host)  # LL401
    e = smtplib.SMTP(host)  # LL401
    f = smtplib.SMTP_SSL(host)  # LL401
    g = imaplib.IMAP4(host)  # LL401
    h = imaplib.IMAP4_SSL(host)  # LL401
    i = poplib.POP3(host)  # LL401
    j = selectors.DefaultSelector()  # LL401
    b.request("GET", "/")
    c.request("GET", "/")
    return a.read(64), d.nlst(), e.noop(), f.noop(), g.noop(), h.noop(), i.stat(), j.select(0)
# case: {"id": "network-clients"}
