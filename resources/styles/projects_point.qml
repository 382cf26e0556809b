<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis simplifyLocal="1" version="3.22.16-Białowieża" simplifyDrawingHints="1" symbologyReferenceScale="-1" simplifyMaxScale="1" labelsEnabled="1" simplifyDrawingTol="1" styleCategories="AllStyleCategories" maxScale="0" hasScaleBasedVisibilityFlag="0" minScale="100000000" simplifyAlgorithm="0" readOnly="0">
  <flags>
    <Identifiable>1</Identifiable>
    <Removable>1</Removable>
    <Searchable>1</Searchable>
    <Private>0</Private>
  </flags>
  <temporal endExpression="" fixedDuration="0" durationUnit="min" mode="0" endField="" limitMode="0" startExpression="" durationField="" accumulate="0" enabled="0" startField="">
    <fixedRange>
      <start></start>
      <end></end>
    </fixedRange>
  </temporal>
  <renderer-v2 type="categorizedSymbol" symbollevels="0" forceraster="0" attr="status" referencescale="-1" enableorderby="0">
    <categories>
      <category symbol="0" label="Project kandidaat" render="true" value="kandidaat"/>
      <category symbol="1" label="Project opgenomen in pmiek" render="true" value="opgenomen"/>
      <category symbol="2" label="Project afgevallen" render="true" value="afgevallen"/>
    </categories>
    <symbols>
      <symbol type="marker" force_rhr="0" alpha="1" name="0" clip_to_extent="1">
        <data_defined_properties>
          <Option type="Map">
            <Option type="QString" value="" name="name"/>
            <Option name="properties"/>
            <Option type="QString" value="collection" name="type"/>
          </Option>
        </data_defined_properties>
        <layer class="SimpleMarker" pass="0" locked="0" enabled="1">
          <Option type="Map">
            <Option type="QString" value="0" name="angle"/>
            <Option type="QString" value="square" name="cap_style"/>
            <Option type="QString" value="237,125,49,255" name="color"/>
            <Option type="QString" value="1" name="horizontal_anchor_point"/>
            <Option type="QString" value="bevel" name="joinstyle"/>
            <Option type="QString" value="star" name="name"/>
            <Option type="QString" value="0,0" name="offset"/>
            <Option type="QString" value="3x:0,0,0,0,0,0" name="offset_map_unit_scale"/>
            <Option type="QString" value="MM" name="offset_unit"/>
            <Option type="QString" value="255,255,255,255" name="outline_color"/>
            <Option type="QString" value="solid" name="outline_style"/>
            <Option type="QString" value="0" name="outline_width"/>
            <Option type="QString" value="3x:0,0,0,0,0,0" name="outline_width_map_unit_scale"/>
            <Option type="QString" value="MM" name="outline_width_unit"/>
            <Option type="QString" value="diameter" name="scale_method"/>
            <Option type="QString" value="5" name="size"/>
            <Option type="QString" value="3x:0,0,0,0,0,0" name="size_map_unit_scale"/>
            <Option type="QString" value="MM" name="size_unit"/>
            <Option type="QString" value="1" name="vertical_anchor_point"/>
          </Option>
          <prop v="0" k="angle"/>
          <prop v="square" k="cap_style"/>
          <prop v="237,125,49,255" k="color"/>
          <prop v="1" k="horizontal_anchor_point"/>
          <prop v="bevel" k="joinstyle"/>
          <prop v="star" k="name"/>
          <prop v="0,0" k="offset"/>
          <prop v="3x:0,0,0,0,0,0" k="offset_map_unit_scale"/>
          <prop v="MM" k="offset_unit"/>
          <prop v="255,255,255,255" k="outline_color"/>
          <prop v="solid" k="outline_style"/>
          <prop v="0" k="outline_width"/>
          <prop v="3x:0,0,0,0,0,0" k="outline_width_map_unit_scale"/>
          <prop v="MM" k="outline_width_unit"/>
          <prop v="diameter" k="scale_method"/>
          <prop v="5" k="size"/>
          <prop v="3x:0,0,0,0,0,0" k="size_map_unit_scale"/>
          <prop v="MM" k="size_unit"/>
          <prop v="1" k="vertical_anchor_point"/>
          <data_defined_properties>
            <Option type="Map">
              <Option type="QString" value="" name="name"/>
              <Option name="properties"/>
              <Option type="QString" value="collection" name="type"/>
            </Option>
          </data_defined_properties>
        </layer>
      </symbol>
      <symbol type="marker" force_rhr="0" alpha="1" name="1" clip_to_extent="1">
        <data_defined_properties>
          <Option type="Map">
            <Option type="QString" value="" name="name"/>
            <Option name="properties"/>
            <Option type="QString" value="collection" name="type"/>
          </Option>
        </data_defined_properties>
        <layer class="SimpleMarker" pass="0" locked="0" enabled="1">
          <Option type="Map">
            <Option type="QString" value="0" name="angle"/>
            <Option type="QString" value="square" name="cap_style"/>
            <Option type="QString" value="192,0,0,255" name="color"/>
            <Option type="QString" value="1" name="horizontal_anchor_point"/>
            <Option type="QString" value="bevel" name="joinstyle"/>
            <Option type="QString" value="star" name="name"/>
            <Option type="QString" value="0,0" name="offset"/>
            <Option type="QString" value="3x:0,0,0,0,0,0" name="offset_map_unit_scale"/>
            <Option type="QString" value="MM" name="offset_unit"/>
            <Option type="QString" value="255,255,255,255" name="outline_color"/>
            <Option type="QString" value="solid" name="outline_style"/>
            <Option type="QString" value="0" name="outline_width"/>
            <Option type="QString" value="3x:0,0,0,0,0,0" name="outline_width_map_unit_scale"/>
            <Option type="QString" value="MM" name="outline_width_unit"/>
            <Option type="QString" value="diameter" name="scale_method"/>
            <Option type="QString" value="5" name="size"/>
            <Option type="QString" value="3x:0,0,0,0,0,0" name="size_map_unit_scale"/>
            <Option type="QString" value="MM" name="size_unit"/>
            <Option type="QString" value="1" name="vertical_anchor_point"/>
          </Option>
          <prop v="0" k="angle"/>
          <prop v="square" k="cap_style"/>
          <prop v="192,0,0,255" k="color"/>
          <prop v="1" k="horizontal_anchor_point"/>
          <prop v="bevel" k="joinstyle"/>
          <prop v="star" k="name"/>
          <prop v="0,0" k="offset"/>
          <prop v="3x:0,0,0,0,0,0" k="offset_map_unit_scale"/>
          <prop v="MM" k="offset_unit"/>
          <prop v="255,255,255,255" k="outline_color"/>
          <prop v="solid" k="outline_style"/>
          <prop v="0" k="outline_width"/>
          <prop v="3x:0,0,0,0,0,0" k="outline_width_map_unit_scale"/>
          <prop v="MM" k="outline_width_unit"/>
          <prop v="diameter" k="scale_method"/>
          <prop v="5" k="size"/>
          <prop v="3x:0,0,0,0,0,0" k="size_map_unit_scale"/>
          <prop v="MM" k="size_unit"/>
          <prop v="1" k="vertical_anchor_point"/>
          <data_defined_properties>
            <Option type="Map">
              <Option type="QString" value="" name="name"/>
              <Option name="properties"/>
              <Option type="QString" value="collection" name="type"/>
            </Option>
          </data_defined_properties>
        </layer>
      </symbol>
      <symbol type="marker" force_rhr="0" alpha="1" name="2" clip_to_extent="1">
        <data_defined_properties>
          <Option type="Map">
            <Option type="QString" value="" name="name"/>
            <Option name="properties"/>
            <Option type="QString" value="collection" name="type"/>
          </Option>
        </data_defined_properties>
        <layer class="SimpleMarker" pass="0" locked="0" enabled="1">
          <Option type="Map">
            <Option type="QString" value="0" name="angle"/>
            <Option type="QString" value="square" name="cap_style"/>
            <Option type="QString" value="140,140,140,255" name="color"/>
            <Option type="QString" value="1" name="horizontal_anchor_point"/>
            <Option type="QString" value="bevel" name="joinstyle"/>
            <Option type="QString" value="star" name="name"/>
            <Option type="QString" value="0,0" name="offset"/>
            <Option type="QString" value="3x:0,0,0,0,0,0" name="offset_map_unit_scale"/>
            <Option type="QString" value="MM" name="offset_unit"/>
            <Option type="QString" value="255,255,255,255" name="outline_color"/>
            <Option type="QString" value="solid" name="outline_style"/>
            <Option type="QString" value="0" name="outline_width"/>
            <Option type="QString" value="3x:0,0,0,0,0,0" name="outline_width_map_unit_scale"/>
            <Option type="QString" value="MM" name="outline_width_unit"/>
            <Option type="QString" value="diameter" name="scale_method"/>
            <Option type="QString" value="5" name="size"/>
            <Option type="QString" value="3x:0,0,0,0,0,0" name="size_map_unit_scale"/>
            <Option type="QString" value="MM" name="size_unit"/>
            <Option type="QString" value="1" name="vertical_anchor_point"/>
          </Option>
          <prop v="0" k="angle"/>
          <prop v="square" k="cap_style"/>
          <prop v="140,140,140,255" k="color"/>
          <prop v="1" k="horizontal_anchor_point"/>
          <prop v="bevel" k="joinstyle"/>
          <prop v="star" k="name"/>
          <prop v="0,0" k="offset"/>
          <prop v="3x:0,0,0,0,0,0" k="offset_map_unit_scale"/>
          <prop v="MM" k="offset_unit"/>
          <prop v="255,255,255,255" k="outline_color"/>
          <prop v="solid" k="outline_style"/>
          <prop v="0" k="outline_width"/>
          <prop v="3x:0,0,0,0,0,0" k="outline_width_map_unit_scale"/>
          <prop v="MM" k="outline_width_unit"/>
          <prop v="diameter" k="scale_method"/>
          <prop v="5" k="size"/>
          <prop v="3x:0,0,0,0,0,0" k="size_map_unit_scale"/>
          <prop v="MM" k="size_unit"/>
          <prop v="1" k="vertical_anchor_point"/>
          <data_defined_properties>
            <Option type="Map">
              <Option type="QString" value="" name="name"/>
              <Option name="properties"/>
              <Option type="QString" value="collection" name="type"/>
            </Option>
          </data_defined_properties>
        </layer>
      </symbol>
    </symbols>
    <rotation/>
    <sizescale/>
  </renderer-v2>
  <labeling type="simple">
    <settings calloutType="simple">
      <text-style textOrientation="horizontal" fontItalic="0" fontStrikeout="0" useSubstitutions="0" fieldName="code" fontSizeUnit="Point" fontUnderline="0" fontSizeMapUnitScale="3x:0,0,0,0,0,0" isExpression="0" fontLetterSpacing="0" textOpacity="1" previewBkgrdColor="255,255,255,255" textColor="0,0,0,255" capitalization="0" fontWordSpacing="0" allowHtml="0" fontFamily="Sans" fontKerning="1" fontWeight="50" blendMode="0" multilineHeight="1" fontSize="8" legendString="Aa" namedStyle="">
        <families/>
        <text-buffer bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferDraw="1" bufferNoFill="1" bufferJoinStyle="128" bufferSize="0.80000000000000004" bufferSizeMapUnitScale="3x:0,0,0,0,0,0" bufferOpacity="1" bufferBlendMode="0"/>
        <text-mask maskJoinStyle="128" maskType="0" maskSizeUnits="MM" maskOpacity="1" maskSize="1.5" maskEnabled="0" maskedSymbolLayers="" maskSizeMapUnitScale="3x:0,0,0,0,0,0"/>
        <background shapeRadiiMapUnitScale="3x:0,0,0,0,0,0" shapeOffsetX="0" shapeBorderWidthMapUnitScale="3x:0,0,0,0,0,0" shapeRotation="0" shapeSizeUnit="MM" shapeBorderColor="128,128,128,255" shapeOffsetY="0" shapeRadiiUnit="MM" shapeRadiiX="0" shapeBorderWidth="0" shapeRotationType="0" shapeDraw="0" shapeOpacity="1" shapeFillColor="255,255,255,255" shapeRadiiY="0" shapeSizeY="0" shapeOffsetUnit="MM" shapeSizeType="0" shapeBlendMode="0" shapeSVGFile="" shapeSizeX="0" shapeJoinStyle="64" shapeSizeMapUnitScale="3x:0,0,0,0,0,0" shapeOffsetMapUnitScale="3x:0,0,0,0,0,0" shapeType="0" shapeBorderWidthUnit="MM">
          <symbol type="fill" force_rhr="0" alpha="1" name="fillSymbol" clip_to_extent="1">
            <data_defined_properties>
              <Option type="Map">
                <Option type="QString" value="" name="name"/>
                <Option name="properties"/>
                <Option type="QString" value="collection" name="type"/>
              </Option>
            </data_defined_properties>
            <layer class="SimpleFill" pass="0" locked="0" enabled="1">
              <Option type="Map">
                <Option type="QString" value="3x:0,0,0,0,0,0" name="border_width_map_unit_scale"/>
                <Option type="QString" value="255,255,255,255" name="color"/>
                <Option type="QString" value="bevel" name="joinstyle"/>
                <Option type="QString" value="0,0" name="offset"/>
                <Option type="QString" value="3x:0,0,0,0,0,0" name="offset_map_unit_scale"/>
                <Option type="QString" value="MM" name="offset_unit"/>
                <Option type="QString" value="128,128,128,255" name="outline_color"/>
                <Option type="QString" value="no" name="outline_style"/>
                <Option type="QString" value="0" name="outline_width"/>
                <Option type="QString" value="MM" name="outline_width_unit"/>
                <Option type="QString" value="solid" name="style"/>
              </Option>
              <prop v="3x:0,0,0,0,0,0" k="border_width_map_unit_scale"/>
              <prop v="255,255,255,255" k="color"/>
              <prop v="bevel" k="joinstyle"/>
              <prop v="0,0" k="offset"/>
              <prop v="3x:0,0,0,0,0,0" k="offset_map_unit_scale"/>
              <prop v="MM" k="offset_unit"/>
              <prop v="128,128,128,255" k="outline_color"/>
              <prop v="no" k="outline_style"/>
              <prop v="0" k="outline_width"/>
              <prop v="MM" k="outline_width_unit"/>
              <prop v="solid" k="style"/>
              <data_defined_properties>
                <Option type="Map">
                  <Option type="QString" value="" name="name"/>
                  <Option name="properties"/>
                  <Option type="QString" value="collection" name="type"/>
                </Option>
              </data_defined_properties>
            </layer>
          </symbol>
        </background>
        <shadow shadowOffsetMapUnitScale="3x:0,0,0,0,0,0" shadowOffsetDist="1" shadowRadius="1.5" shadowOffsetAngle="135" shadowRadiusAlphaOnly="0" shadowColor="0,0,0,255" shadowRadiusMapUnitScale="3x:0,0,0,0,0,0" shadowBlendMode="6" shadowRadiusUnit="MM" shadowOffsetGlobal="1" shadowDraw="0" shadowUnder="0" shadowOpacity="0.69999999999999996" shadowOffsetUnit="MM" shadowScale="100"/>
        <dd_properties>
          <Option type="Map">
            <Option type="QString" value="" name="name"/>
            <Option name="properties"/>
            <Option type="QString" value="collection" name="type"/>
          </Option>
        </dd_properties>
        <substitutions/>
      </text-style>
      <text-format leftDirectionSymbol="&lt;" autoWrapLength="0" formatNumbers="0" multilineAlign="3" useMaxLineLengthForAutoWrap="1" rightDirectionSymbol=">" reverseDirectionSymbol="0" decimals="3" wrapChar="" addDirectionSymbol="0" plussign="0" placeDirectionSymbol="0"/>
      <placement rotationUnit="AngleDegrees" repeatDistanceMapUnitScale="3x:0,0,0,0,0,0" distUnits="MM" polygonPlacementFlags="2" yOffset="0" repeatDistanceUnits="MM" xOffset="0" layerType="UnknownGeometry" maxCurvedCharAngleOut="-25" lineAnchorPercent="0.5" predefinedPositionOrder="TR,TL,BR,BL,R,L,TSR,BSR" overrunDistanceUnit="MM" centroidWhole="0" fitInPolygonOnly="0" geometryGenerator="" labelOffsetMapUnitScale="3x:0,0,0,0,0,0" placementFlags="10" quadOffset="4" geometryGeneratorType="PointGeometry" distMapUnitScale="3x:0,0,0,0,0,0" overrunDistanceMapUnitScale="3x:0,0,0,0,0,0" centroidInside="0" priority="5" lineAnchorClipping="0" dist="0" rotationAngle="0" offsetType="0" overrunDistance="0" preserveRotation="1" geometryGeneratorEnabled="0" maxCurvedCharAngleIn="25" lineAnchorType="0" offsetUnits="MM" repeatDistance="0" placement="0"/>
      <rendering displayAll="0" zIndex="0" mergeLines="0" minFeatureSize="0" drawLabels="1" labelPerPart="0" obstacleFactor="1" fontLimitPixelSize="0" scaleMin="0" fontMaxPixelSize="10000" obstacle="1" unplacedVisibility="0" obstacleType="1" limitNumLabels="0" maxNumLabels="2000" scaleVisibility="0" scaleMax="0" upsidedownLabels="0" fontMinPixelSize="0"/>
      <dd_properties>
        <Option type="Map">
          <Option type="QString" value="" name="name"/>
          <Option name="properties"/>
          <Option type="QString" value="collection" name="type"/>
        </Option>
      </dd_properties>
      <callout type="simple">
        <Option type="Map">
          <Option type="QString" value="pole_of_inaccessibility" name="anchorPoint"/>
          <Option type="int" value="0" name="blendMode"/>
          <Option type="Map" name="ddProperties">
            <Option type="QString" value="" name="name"/>
            <Option name="properties"/>
            <Option type="QString" value="collection" name="type"/>
          </Option>
          <Option type="bool" value="false" name="drawToAllParts"/>
          <Option type="QString" value="0" name="enabled"/>
          <Option type="QString" value="point_on_exterior" name="labelAnchorPoint"/>
          <Option type="QString" value="&lt;symbol type=&quot;line&quot; force_rhr=&quot;0&quot; alpha=&quot;1&quot; name=&quot;symbol&quot; clip_to_extent=&quot;1&quot;>&lt;data_defined_properties>&lt;Option type=&quot;Map&quot;>&lt;Option type=&quot;QString&quot; value=&quot;&quot; name=&quot;name&quot;/>&lt;Option name=&quot;properties&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;collection&quot; name=&quot;type&quot;/>&lt;/Option>&lt;/data_defined_properties>&lt;layer class=&quot;SimpleLine&quot; pass=&quot;0&quot; locked=&quot;0&quot; enabled=&quot;1&quot;>&lt;Option type=&quot;Map&quot;>&lt;Option type=&quot;QString&quot; value=&quot;0&quot; name=&quot;align_dash_pattern&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;square&quot; name=&quot;capstyle&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;5;2&quot; name=&quot;customdash&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;3x:0,0,0,0,0,0&quot; name=&quot;customdash_map_unit_scale&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;MM&quot; name=&quot;customdash_unit&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;0&quot; name=&quot;dash_pattern_offset&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;3x:0,0,0,0,0,0&quot; name=&quot;dash_pattern_offset_map_unit_scale&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;MM&quot; name=&quot;dash_pattern_offset_unit&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;0&quot; name=&quot;draw_inside_polygon&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;bevel&quot; name=&quot;joinstyle&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;60,60,60,255&quot; name=&quot;line_color&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;solid&quot; name=&quot;line_style&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;0.3&quot; name=&quot;line_width&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;MM&quot; name=&quot;line_width_unit&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;0&quot; name=&quot;offset&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;3x:0,0,0,0,0,0&quot; name=&quot;offset_map_unit_scale&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;MM&quot; name=&quot;offset_unit&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;0&quot; name=&quot;ring_filter&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;0&quot; name=&quot;trim_distance_end&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;3x:0,0,0,0,0,0&quot; name=&quot;trim_distance_end_map_unit_scale&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;MM&quot; name=&quot;trim_distance_end_unit&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;0&quot; name=&quot;trim_distance_start&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;3x:0,0,0,0,0,0&quot; name=&quot;trim_distance_start_map_unit_scale&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;MM&quot; name=&quot;trim_distance_start_unit&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;0&quot; name=&quot;tweak_dash_pattern_on_corners&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;0&quot; name=&quot;use_custom_dash&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;3x:0,0,0,0,0,0&quot; name=&quot;width_map_unit_scale&quot;/>&lt;/Option>&lt;prop v=&quot;0&quot; k=&quot;align_dash_pattern&quot;/>&lt;prop v=&quot;square&quot; k=&quot;capstyle&quot;/>&lt;prop v=&quot;5;2&quot; k=&quot;customdash&quot;/>&lt;prop v=&quot;3x:0,0,0,0,0,0&quot; k=&quot;customdash_map_unit_scale&quot;/>&lt;prop v=&quot;MM&quot; k=&quot;customdash_unit&quot;/>&lt;prop v=&quot;0&quot; k=&quot;dash_pattern_offset&quot;/>&lt;prop v=&quot;3x:0,0,0,0,0,0&quot; k=&quot;dash_pattern_offset_map_unit_scale&quot;/>&lt;prop v=&quot;MM&quot; k=&quot;dash_pattern_offset_unit&quot;/>&lt;prop v=&quot;0&quot; k=&quot;draw_inside_polygon&quot;/>&lt;prop v=&quot;bevel&quot; k=&quot;joinstyle&quot;/>&lt;prop v=&quot;60,60,60,255&quot; k=&quot;line_color&quot;/>&lt;prop v=&quot;solid&quot; k=&quot;line_style&quot;/>&lt;prop v=&quot;0.3&quot; k=&quot;line_width&quot;/>&lt;prop v=&quot;MM&quot; k=&quot;line_width_unit&quot;/>&lt;prop v=&quot;0&quot; k=&quot;offset&quot;/>&lt;prop v=&quot;3x:0,0,0,0,0,0&quot; k=&quot;offset_map_unit_scale&quot;/>&lt;prop v=&quot;MM&quot; k=&quot;offset_unit&quot;/>&lt;prop v=&quot;0&quot; k=&quot;ring_filter&quot;/>&lt;prop v=&quot;0&quot; k=&quot;trim_distance_end&quot;/>&lt;prop v=&quot;3x:0,0,0,0,0,0&quot; k=&quot;trim_distance_end_map_unit_scale&quot;/>&lt;prop v=&quot;MM&quot; k=&quot;trim_distance_end_unit&quot;/>&lt;prop v=&quot;0&quot; k=&quot;trim_distance_start&quot;/>&lt;prop v=&quot;3x:0,0,0,0,0,0&quot; k=&quot;trim_distance_start_map_unit_scale&quot;/>&lt;prop v=&quot;MM&quot; k=&quot;trim_distance_start_unit&quot;/>&lt;prop v=&quot;0&quot; k=&quot;tweak_dash_pattern_on_corners&quot;/>&lt;prop v=&quot;0&quot; k=&quot;use_custom_dash&quot;/>&lt;prop v=&quot;3x:0,0,0,0,0,0&quot; k=&quot;width_map_unit_scale&quot;/>&lt;data_defined_properties>&lt;Option type=&quot;Map&quot;>&lt;Option type=&quot;QString&quot; value=&quot;&quot; name=&quot;name&quot;/>&lt;Option name=&quot;properties&quot;/>&lt;Option type=&quot;QString&quot; value=&quot;collection&quot; name=&quot;type&quot;/>&lt;/Option>&lt;/data_defined_properties>&lt;/layer>&lt;/symbol>" name="lineSymbol"/>
          <Option type="double" value="0" name="minLength"/>
          <Option type="QString" value="3x:0,0,0,0,0,0" name="minLengthMapUnitScale"/>
          <Option type="QString" value="MM" name="minLengthUnit"/>
          <Option type="double" value="0" name="offsetFromAnchor"/>
          <Option type="QString" value="3x:0,0,0,0,0,0" name="offsetFromAnchorMapUnitScale"/>
          <Option type="QString" value="MM" name="offsetFromAnchorUnit"/>
          <Option type="double" value="0" name="offsetFromLabel"/>
          <Option type="QString" value="3x:0,0,0,0,0,0" name="offsetFromLabelMapUnitScale"/>
          <Option type="QString" value="MM" name="offsetFromLabelUnit"/>
        </Option>
      </callout>
    </settings>
  </labeling>
  <customproperties>
    <Option/>
  </customproperties>
  <blendMode>0</blendMode>
  <featureBlendMode>0</featureBlendMode>
  <layerOpacity>1</layerOpacity>
  <geometryOptions removeDuplicateNodes="0" geometryPrecision="0">
    <activeChecks type="StringList">
      <Option type="QString" value=""/>
    </activeChecks>
    <checkConfiguration/>
  </geometryOptions>
  <legend type="default-vector" showLabelLegend="0"/>
  <referencedLayers/>
  <fieldConfiguration>
    <field name="fid" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="project_id" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="code" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="name" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="location_description" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="municipalities" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="type_infra" configurationFlags="None">
      <editWidget type="ValueMap">
        <config>
          <Option type="Map">
            <Option type="List" name="map">
              <Option type="Map">
                <Option type="QString" value="hs_station" name="Nieuw/uitbreiding HS-station (≥110 kV)"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="hs_ms_station" name="Uitbreiding/nieuw HS/MS-station"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="ms_station" name="MS-station/schakelstation"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="hs_verbinding" name="HS-verbinding (kabel/lijn)"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="ms_trace" name="Middenspanningstracé"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="waterstofleiding" name="Nieuwe waterstofleiding"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="waterstofstation" name="Waterstofstation"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="elektrolyser" name="Nieuwbouw elektrolyser"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="gasleiding" name="Gasleiding/groen gas"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="warmtenet" name="Warmtenet"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="flex_opslag" name="Flex: opslag/batterij"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="laadplein" name="Laadplein/energiehub"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="congestiemanagement" name="Congestiemanagement/flexgebied"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="overig" name="Overig"/>
              </Option>
            </Option>
          </Option>
        </config>
      </editWidget>
    </field>
    <field name="energy_carrier" configurationFlags="None">
      <editWidget type="ValueMap">
        <config>
          <Option type="Map">
            <Option type="List" name="map">
              <Option type="Map">
                <Option type="QString" value="elektriciteit" name="Elektriciteit"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="waterstof" name="Waterstof"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="aardgas" name="Aardgas"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="groen_gas" name="Groen gas"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="warmte" name="Warmte"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="co2" name="CO2"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="meerdere" name="Meerdere"/>
              </Option>
            </Option>
          </Option>
        </config>
      </editWidget>
    </field>
    <field name="netbeheerder" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="phase" configurationFlags="None">
      <editWidget type="ValueMap">
        <config>
          <Option type="Map">
            <Option type="List" name="map">
              <Option type="Map">
                <Option type="QString" value="verkenning" name="Verkenning"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="planuitwerking" name="Planuitwerking"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="project" name="Project"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="realisatie" name="Realisatie"/>
              </Option>
            </Option>
          </Option>
        </config>
      </editWidget>
    </field>
    <field name="ibn_year" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="planning" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="investment_eur" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="financial_cover" configurationFlags="None">
      <editWidget type="ValueMap">
        <config>
          <Option type="Map">
            <Option type="List" name="map">
              <Option type="Map">
                <Option type="QString" value="gedekt" name="Gedekt"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="deels" name="Deels gedekt"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="geen" name="Geen dekking"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="onbekend" name="Onbekend"/>
              </Option>
            </Option>
          </Option>
        </config>
      </editWidget>
    </field>
    <field name="financial_note" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="parties" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="narrative" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="reason_inclusion" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="phase_developments" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="dependencies_pmiek" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="dependencies_nmiek" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="dependencies_outside" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="station_id" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="knooppunt_id" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="capacity_afname_mw" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="capacity_teruglevering_mw" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="status" configurationFlags="None">
      <editWidget type="ValueMap">
        <config>
          <Option type="Map">
            <Option type="List" name="map">
              <Option type="Map">
                <Option type="QString" value="kandidaat" name="Kandidaat"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="opgenomen" name="Opgenomen in pMIEK"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="afgevallen" name="Afgevallen"/>
              </Option>
            </Option>
          </Option>
        </config>
      </editWidget>
    </field>
    <field name="status_reason" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="route" configurationFlags="None">
      <editWidget type="ValueMap">
        <config>
          <Option type="Map">
            <Option type="List" name="map">
              <Option type="Map">
                <Option type="QString" value="A" name="A: reguliere route investeringsplan"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="B" name="B: IP-project aangemerkt als maatschappelijk prioritair"/>
              </Option>
              <Option type="Map">
                <Option type="QString" value="C" name="C: voortgekomen uit integraal programmeren"/>
              </Option>
            </Option>
          </Option>
        </config>
      </editWidget>
    </field>
    <field name="in_ip" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="ip_reference" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="bevoegd_gezag" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="confidential" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="source" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="row_version" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="modified" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
    <field name="modified_by" configurationFlags="None">
      <editWidget type="">
        <config>
          <Option/>
        </config>
      </editWidget>
    </field>
  </fieldConfiguration>
  <aliases>
    <alias field="fid" name="" index="0"/>
    <alias field="project_id" name="" index="1"/>
    <alias field="code" name="" index="2"/>
    <alias field="name" name="" index="3"/>
    <alias field="location_description" name="" index="4"/>
    <alias field="municipalities" name="" index="5"/>
    <alias field="type_infra" name="" index="6"/>
    <alias field="energy_carrier" name="" index="7"/>
    <alias field="netbeheerder" name="" index="8"/>
    <alias field="phase" name="" index="9"/>
    <alias field="ibn_year" name="" index="10"/>
    <alias field="planning" name="" index="11"/>
    <alias field="investment_eur" name="" index="12"/>
    <alias field="financial_cover" name="" index="13"/>
    <alias field="financial_note" name="" index="14"/>
    <alias field="parties" name="" index="15"/>
    <alias field="narrative" name="" index="16"/>
    <alias field="reason_inclusion" name="" index="17"/>
    <alias field="phase_developments" name="" index="18"/>
    <alias field="dependencies_pmiek" name="" index="19"/>
    <alias field="dependencies_nmiek" name="" index="20"/>
    <alias field="dependencies_outside" name="" index="21"/>
    <alias field="station_id" name="" index="22"/>
    <alias field="knooppunt_id" name="" index="23"/>
    <alias field="capacity_afname_mw" name="" index="24"/>
    <alias field="capacity_teruglevering_mw" name="" index="25"/>
    <alias field="status" name="" index="26"/>
    <alias field="status_reason" name="" index="27"/>
    <alias field="route" name="" index="28"/>
    <alias field="in_ip" name="" index="29"/>
    <alias field="ip_reference" name="" index="30"/>
    <alias field="bevoegd_gezag" name="" index="31"/>
    <alias field="confidential" name="" index="32"/>
    <alias field="source" name="" index="33"/>
    <alias field="row_version" name="" index="34"/>
    <alias field="modified" name="" index="35"/>
    <alias field="modified_by" name="" index="36"/>
  </aliases>
  <defaults>
    <default expression="" field="fid" applyOnUpdate="0"/>
    <default expression="" field="project_id" applyOnUpdate="0"/>
    <default expression="" field="code" applyOnUpdate="0"/>
    <default expression="" field="name" applyOnUpdate="0"/>
    <default expression="" field="location_description" applyOnUpdate="0"/>
    <default expression="" field="municipalities" applyOnUpdate="0"/>
    <default expression="" field="type_infra" applyOnUpdate="0"/>
    <default expression="" field="energy_carrier" applyOnUpdate="0"/>
    <default expression="" field="netbeheerder" applyOnUpdate="0"/>
    <default expression="" field="phase" applyOnUpdate="0"/>
    <default expression="" field="ibn_year" applyOnUpdate="0"/>
    <default expression="" field="planning" applyOnUpdate="0"/>
    <default expression="" field="investment_eur" applyOnUpdate="0"/>
    <default expression="" field="financial_cover" applyOnUpdate="0"/>
    <default expression="" field="financial_note" applyOnUpdate="0"/>
    <default expression="" field="parties" applyOnUpdate="0"/>
    <default expression="" field="narrative" applyOnUpdate="0"/>
    <default expression="" field="reason_inclusion" applyOnUpdate="0"/>
    <default expression="" field="phase_developments" applyOnUpdate="0"/>
    <default expression="" field="dependencies_pmiek" applyOnUpdate="0"/>
    <default expression="" field="dependencies_nmiek" applyOnUpdate="0"/>
    <default expression="" field="dependencies_outside" applyOnUpdate="0"/>
    <default expression="" field="station_id" applyOnUpdate="0"/>
    <default expression="" field="knooppunt_id" applyOnUpdate="0"/>
    <default expression="" field="capacity_afname_mw" applyOnUpdate="0"/>
    <default expression="" field="capacity_teruglevering_mw" applyOnUpdate="0"/>
    <default expression="" field="status" applyOnUpdate="0"/>
    <default expression="" field="status_reason" applyOnUpdate="0"/>
    <default expression="" field="route" applyOnUpdate="0"/>
    <default expression="" field="in_ip" applyOnUpdate="0"/>
    <default expression="" field="ip_reference" applyOnUpdate="0"/>
    <default expression="" field="bevoegd_gezag" applyOnUpdate="0"/>
    <default expression="" field="confidential" applyOnUpdate="0"/>
    <default expression="" field="source" applyOnUpdate="0"/>
    <default expression="" field="row_version" applyOnUpdate="0"/>
    <default expression="" field="modified" applyOnUpdate="0"/>
    <default expression="" field="modified_by" applyOnUpdate="0"/>
  </defaults>
  <constraints>
    <constraint exp_strength="0" field="fid" constraints="3" unique_strength="1" notnull_strength="1"/>
    <constraint exp_strength="0" field="project_id" constraints="3" unique_strength="1" notnull_strength="1"/>
    <constraint exp_strength="0" field="code" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="name" constraints="1" unique_strength="0" notnull_strength="1"/>
    <constraint exp_strength="0" field="location_description" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="municipalities" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="type_infra" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="energy_carrier" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="netbeheerder" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="phase" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="ibn_year" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="planning" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="investment_eur" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="financial_cover" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="financial_note" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="parties" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="narrative" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="reason_inclusion" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="phase_developments" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="dependencies_pmiek" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="dependencies_nmiek" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="dependencies_outside" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="station_id" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="knooppunt_id" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="capacity_afname_mw" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="capacity_teruglevering_mw" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="status" constraints="1" unique_strength="0" notnull_strength="1"/>
    <constraint exp_strength="0" field="status_reason" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="route" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="in_ip" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="ip_reference" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="bevoegd_gezag" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="confidential" constraints="1" unique_strength="0" notnull_strength="1"/>
    <constraint exp_strength="0" field="source" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="row_version" constraints="1" unique_strength="0" notnull_strength="1"/>
    <constraint exp_strength="0" field="modified" constraints="0" unique_strength="0" notnull_strength="0"/>
    <constraint exp_strength="0" field="modified_by" constraints="0" unique_strength="0" notnull_strength="0"/>
  </constraints>
  <constraintExpressions>
    <constraint field="fid" desc="" exp=""/>
    <constraint field="project_id" desc="" exp=""/>
    <constraint field="code" desc="" exp=""/>
    <constraint field="name" desc="" exp=""/>
    <constraint field="location_description" desc="" exp=""/>
    <constraint field="municipalities" desc="" exp=""/>
    <constraint field="type_infra" desc="" exp=""/>
    <constraint field="energy_carrier" desc="" exp=""/>
    <constraint field="netbeheerder" desc="" exp=""/>
    <constraint field="phase" desc="" exp=""/>
    <constraint field="ibn_year" desc="" exp=""/>
    <constraint field="planning" desc="" exp=""/>
    <constraint field="investment_eur" desc="" exp=""/>
    <constraint field="financial_cover" desc="" exp=""/>
    <constraint field="financial_note" desc="" exp=""/>
    <constraint field="parties" desc="" exp=""/>
    <constraint field="narrative" desc="" exp=""/>
    <constraint field="reason_inclusion" desc="" exp=""/>
    <constraint field="phase_developments" desc="" exp=""/>
    <constraint field="dependencies_pmiek" desc="" exp=""/>
    <constraint field="dependencies_nmiek" desc="" exp=""/>
    <constraint field="dependencies_outside" desc="" exp=""/>
    <constraint field="station_id" desc="" exp=""/>
    <constraint field="knooppunt_id" desc="" exp=""/>
    <constraint field="capacity_afname_mw" desc="" exp=""/>
    <constraint field="capacity_teruglevering_mw" desc="" exp=""/>
    <constraint field="status" desc="" exp=""/>
    <constraint field="status_reason" desc="" exp=""/>
    <constraint field="route" desc="" exp=""/>
    <constraint field="in_ip" desc="" exp=""/>
    <constraint field="ip_reference" desc="" exp=""/>
    <constraint field="bevoegd_gezag" desc="" exp=""/>
    <constraint field="confidential" desc="" exp=""/>
    <constraint field="source" desc="" exp=""/>
    <constraint field="row_version" desc="" exp=""/>
    <constraint field="modified" desc="" exp=""/>
    <constraint field="modified_by" desc="" exp=""/>
  </constraintExpressions>
  <expressionfields/>
  <attributeactions/>
  <attributetableconfig actionWidgetStyle="dropDown" sortExpression="" sortOrder="0">
    <columns/>
  </attributetableconfig>
  <conditionalstyles>
    <rowstyles/>
    <fieldstyles/>
  </conditionalstyles>
  <storedexpressions/>
  <editform tolerant="1"></editform>
  <editforminit/>
  <editforminitcodesource>0</editforminitcodesource>
  <editforminitfilepath></editforminitfilepath>
  <editforminitcode><![CDATA[]]></editforminitcode>
  <featformsuppress>0</featformsuppress>
  <editorlayout>generatedlayout</editorlayout>
  <editable/>
  <labelOnTop/>
  <reuseLastValue/>
  <dataDefinedFieldProperties/>
  <widgets/>
  <previewExpression></previewExpression>
  <mapTip></mapTip>
  <layerGeometryType>0</layerGeometryType>
</qgis>
